import { PhaseFindings } from './reconcile';

export interface PhaseReport {
  fault: string;
  findings: PhaseFindings;
  /** fault injected → /health 200 and every driver acknowledged again (ms); null: never within the bound */
  recoveryMs: number | null;
  /** load stopped → catalog agrees with loans, outboxes empty, consumers caught up (ms); null: not within the bound */
  convergedMs: number | null;
  notes: string[];
}

export interface ChaosReport {
  shape: string;
  variant: 'short' | 'full';
  startedAt: string;
  durationS: number;
  phases: PhaseReport[];
  stream: { messages: number; outboxRows: number; replicas: number };
  strict: boolean;
  passed: boolean;
  failures: string[];
}

const secs = (ms: number | null) => (ms === null ? 'never' : (ms / 1000).toFixed(1));

/** The table printed at the end (Markdown, so it can go into docs/reliability.md as it is). */
export function formatTable(report: ChaosReport): string {
  const head = [
    'fault',
    'acked',
    'refused',
    'unanswered',
    'lost',
    'duplicated',
    'refused but committed',
    'refused, made good after',
    'unanswered, committed',
    'recovery s',
    'converged s',
  ];
  const rows = report.phases.map((p) => [
    p.fault,
    p.findings.acked,
    p.findings.refused,
    p.findings.unanswered,
    p.findings.lost,
    p.findings.duplicated,
    p.findings.refusedButCommitted,
    p.findings.refusedCompensated,
    p.findings.unansweredCommitted,
    secs(p.recoveryMs),
    secs(p.convergedMs),
  ]);
  const total = report.phases.reduce(
    (t, p) =>
      t.map(
        (v, i) =>
          v +
          [
            p.findings.acked,
            p.findings.refused,
            p.findings.unanswered,
            p.findings.lost,
            p.findings.duplicated,
            p.findings.refusedButCommitted,
            p.findings.refusedCompensated,
            p.findings.unansweredCommitted,
          ][i],
      ),
    [0, 0, 0, 0, 0, 0, 0, 0],
  );
  rows.push(['**total**', ...total, '', '']);
  const line = (cells: unknown[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
