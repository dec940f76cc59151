import * as fs from 'node:fs';
import * as path from 'node:path';
import * as contracts from './index';

/** docs/architecture.md must list every NATS subject the contracts define, so the page stays true. */
describe('docs/architecture.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/architecture.md'), 'utf8');
  const subjects = Object.entries(contracts)
    .filter(([name, value]) => /Subjects$/.test(name) && typeof value === 'object' && value !== null)
    .flatMap(([, value]) => Object.values(value as Record<string, unknown>))
    .filter((v): v is string => typeof v === 'string');

  it('finds the subject tables', () => {
    expect(subjects.length).toBeGreaterThan(20);
  });

  it.each(subjects.map((s) => [s]))('documents %s', (subject) => {
    expect(doc).toContain(`\`${subject}\``);
  });
});
