/**
 * Seeded, bounded property runs for the fuzz specs (fast-check). CI runs the default count with a fixed
 * seed, so a failure reproduces; `npm run fuzz` (and fuzz:http) runs many more with fresh seeds.
 * FUZZ_SEED and FUZZ_RUNS override; fast-check prints the seed and the shrunk counterexample on failure.
 */
export function fuzzParams(defaultRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FUZZ_SEED
    ? Number(process.env.FUZZ_SEED)
    : process.env.FUZZ_RUNS
      ? Date.now() % 2 ** 31
      : 14;
  const numRuns = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : defaultRuns;
  return { seed, numRuns };
}
