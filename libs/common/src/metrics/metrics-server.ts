import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsExposition } from './metrics-registry';

/**
 * A small HTTP listener answering `GET /metrics` (and nothing else) for services that have no HTTP
 * port of their own. Bound to `METRICS_HOST` (default loopback); in containers set 0.0.0.0 and do not
 * publish the port: Prometheus scrapes it on the internal network.
 */
export async function startMetricsServer(
  port: number,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    metricsExposition().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: Error) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${err.message}\n`),
    );
  });
  server.keepAliveTimeout = 65_000; // Prometheus keeps its connection between scrapes
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
