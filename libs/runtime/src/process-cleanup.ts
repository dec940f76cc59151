/**
 * Makes sure embedded servers do not outlive the Node process that started them.
 *
 * - On a normal `exit` only synchronous work is possible, so each entry has a `killSync`
 *   (a signal to the server process) that asks it to shut down on its own.
 * - On SIGINT/SIGTERM/SIGHUP we run the graceful async `stop()`s first. If nobody else
 *   listens to that signal we then exit (installing a listener disables Node's default exit);
 *   if someone else does (e.g. Nest shutdown hooks) we leave exiting to them.
 */
export interface CleanupEntry {
  name: string;
  stop: () => Promise<void>;
  killSync: () => void;
}

const entries = new Set<CleanupEntry>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const SIGNAL_STOP_TIMEOUT_MS = 15_000;

function onExit(): void {
  for (const e of entries) {
    try {
      e.killSync();
    } catch {
      // best effort: the process is going away anyway
    }
  }
  entries.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  const onlyUs = process.listenerCount(signal) === 1;
  const all = stopAllRegistered();
  const timeout = new Promise<void>((r) => setTimeout(r, SIGNAL_STOP_TIMEOUT_MS).unref());
  void Promise.race([all, timeout]).finally(() => {
    if (onlyUs) process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** Registers a server for stop-on-exit. Returns an unregister function (call it from your stop()). */
export function registerChildCleanup(entry: CleanupEntry): () => void {
  install();
  entries.add(entry);
  return () => {
    entries.delete(entry);
  };
}

/** Gracefully stops everything still registered (in parallel). Errors are swallowed. */
export async function stopAllRegistered(): Promise<void> {
  const list = [...entries];
  await Promise.all(list.map((e) => e.stop().catch(() => undefined)));
}
