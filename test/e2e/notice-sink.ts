import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the O2O notifier's webhook sender posts, kept for the e2e specs (in the jest parent process,
 * which outlives the workers): POST / records a notice, GET /notices lists them.
 */
export async function startNoticeSink(): Promise<{ url: string; close(): Promise<void> }> {
  const notices: unknown[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          notices.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
      return;
    }
    if (req.method === 'GET' && req.url === '/notices') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(notices));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
