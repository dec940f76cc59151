// The e2e and deploy tiers talk to real servers with the global fetch. A pooled keep-alive socket can be
// closed by the server while this process's event loop is busy (jest compiling the next spec on a loaded
// machine), and the next request on it fails with "other side closed" without reaching the server. A
// fresh connection per request costs a loopback connect and takes that race away from the tests.
const pooledFetch = globalThis.fetch;
globalThis.fetch = (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('connection')) headers.set('connection', 'close');
  return pooledFetch(input, { ...init, headers });
};
