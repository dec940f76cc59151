// Loaded into every service with NODE_OPTIONS=--require when the bench runs with --cpu-prof (node does
// not allow --cpu-prof itself in NODE_OPTIONS). Samples the CPU from start to SIGTERM/exit and writes
// <service>-<pid>.cpuprofile into BENCH_CPU_PROF_DIR (open it in Chrome DevTools or speedscope).
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const service = /apps\/([^/]+)\/src\/main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  const stop = () => {
    if (written) return;
    written = true;
    // the in-process inspector session answers synchronously, so this works in 'exit' too
    session.post('Profiler.stop', (err, res) => {
      if (!err && res?.profile) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
      }
    });
  };
  process.prependListener('SIGTERM', stop);
  process.prependListener('SIGINT', stop);
  process.on('exit', stop);
}
