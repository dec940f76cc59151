// Entry point: `node dist/apps/sip2-cli/src/main.js <command> [options]` (npm run sip2 -- <command>).
import { runCli } from './sip2-cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sip2: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
