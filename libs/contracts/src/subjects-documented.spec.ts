import * as fs from 'node:fs';
import * as path from 'node:path';
import * as contracts from './index';

/** docs/architecture.md must list every NATS subject the contracts define, so the page stays true. */
describe('docs/architecture.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/architecture.md'), 'utf8');
  const registered = contracts.ContractRegistry.map((c) => c.subject);
  // subject tables still declared the old way (`FooSubjects = { x: 'foo.x.v1' }`) count too
  const tabled = Object.entries(contracts)
    .filter(([name, value]) => /Subjects$/.test(name) && typeof value === 'object' && value !== null)
    .flatMap(([, value]) => Object.values(value as Record<string, unknown>))
    .filter((v): v is string => typeof v === 'string');
  const subjects = [...new Set([...registered, ...tabled])];

  it('finds the subject tables', () => {
    expect(registered.length).toBeGreaterThan(20);
  });

  it.each(subjects.map((s) => [s]))('documents %s', (subject) => {
    expect(doc).toContain(`\`${subject}\``);
  });
});
