import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChaos } from './chaos-runner';
import { parseChaosArgs } from './chaos-options';
import { formatTable } from './report-table';

/** `npm run chaos [-- --full] [-- --cluster] [--strict] [--out report.json] [--keep]`: see docs/reliability.md. */
async function main(): Promise<number> {
  const args = parseChaosArgs(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`[chaos] ${m}\n`);
  const report = await runChaos({ ...args, distRoot: path.resolve(__dirname, '../../..'), log });
  process.stdout.write(
    `\nchaos run: ${report.shape}, ${report.variant} variant, ${report.durationS} s, started ${report.startedAt}\n\n`,
  );
  process.stdout.write(formatTable(report) + '\n\n');
  process.stdout.write(
    `event stream: ${report.stream.messages} events for ${report.stream.outboxRows} outbox rows (replicas ${report.stream.replicas})\n`,
  );
  for (const p of report.phases) for (const n of p.notes) process.stdout.write(`  ${p.fault}: ${n}\n`);
  if (args.out) {
    fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
    fs.writeFileSync(args.out, JSON.stringify(report, null, 2));
  }
  if (!report.passed) {
    process.stdout.write(`\nFAILED:\n${report.failures.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(
    `\npassed: no acknowledged transaction lost or duplicated${report.strict ? ', none refused but committed' : ''}; every fault recovered and converged\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`[chaos] failed: ${(err as Error).stack ?? err}\n`);
    process.exit(2);
  },
);
