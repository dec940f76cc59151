import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import * as selfsigned from 'selfsigned';

export interface TlsCredentials {
  key: string;
  cert: string;
  source: 'files' | 'demo-generated' | 'demo-cached';
}

/**
 * Forward secrecy and AEAD only: TLS 1.3's suites, and on TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305.
 * No static RSA key exchange, no CBC, no SHA-1 MACs (docs/security.md lists them for kiosk vendors).
 */
export const SIP2_TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Options of the SIP2 TLS listener. */
export function sip2TlsServerOptions(creds: TlsCredentials) {
  return {
    key: creds.key,
    cert: creds.cert,
    minVersion: 'TLSv1.2' as const,
    ciphers: SIP2_TLS_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: 10_000,
  };
}

const DEMO_CERT = 'sip2-demo-cert.pem';
const DEMO_KEY = 'sip2-demo-key.pem';

/**
 * SIP2_TLS_CERT/SIP2_TLS_KEY when configured; otherwise a self-signed demo pair, generated once and cached
 * in SIP2_TLS_DIR (regenerated when it is about to expire). Kiosks must then connect with verification
 * off or pin this certificate; the log says so.
 */
export function loadTlsCredentials(
  opts: { certFile?: string; keyFile?: string; dir: string; host: string },
  logger: Logger,
): TlsCredentials {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error('SIP2_TLS_CERT and SIP2_TLS_KEY must be set together');
    return {
      cert: fs.readFileSync(opts.certFile, 'utf8'),
      key: fs.readFileSync(opts.keyFile, 'utf8'),
      source: 'files',
    };
  }
  const certPath = path.join(opts.dir, DEMO_CERT);
  const keyPath = path.join(opts.dir, DEMO_KEY);
  try {
    const cert = fs.readFileSync(certPath, 'utf8');
    const key = fs.readFileSync(keyPath, 'utf8');
    if (new Date(new X509Certificate(cert).validTo).getTime() > Date.now() + 7 * 86_400_000) {
      logger.warn(
        { event: 'sip2.tls-demo-cert', path: certPath },
        'SIP2 TLS uses a cached SELF-SIGNED DEMO certificate; set SIP2_TLS_CERT/SIP2_TLS_KEY for production',
      );
      return { cert, key, source: 'demo-cached' };
    }
  } catch {
    // not cached yet (or unreadable): generate below
  }
  // RSA key generated natively (fast); selfsigned only builds and signs the certificate around it.
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const altNames = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    ...(opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? [{ type: 2, value: opts.host }] : []),
  ];
  const generated = selfsigned.generate(
    [
      { name: 'commonName', value: 'sip2-demo.localhost' },
      { name: 'organizationName', value: 'SIP2 demo (self-signed)' },
    ],
    {
      days: 825,
      algorithm: 'sha256',
      keyPair: { privateKey: pair.privateKey, publicKey: pair.publicKey },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    } as Parameters<typeof selfsigned.generate>[1],
  );
  try {
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(keyPath, generated.private, { mode: 0o600 });
    fs.writeFileSync(certPath, generated.cert, { mode: 0o644 });
  } catch (err) {
    logger.warn(
      { event: 'sip2.tls-demo-cert-cache-failed', dir: opts.dir, err: (err as Error).message },
      'could not cache the demo certificate',
    );
  }
  logger.warn(
    { event: 'sip2.tls-demo-cert', path: certPath, fingerprint: generated.fingerprint },
    'SIP2 TLS uses a freshly generated SELF-SIGNED DEMO certificate; set SIP2_TLS_CERT/SIP2_TLS_KEY for production',
  );
  return { cert: generated.cert, key: generated.private, source: 'demo-generated' };
}
