/**
 * The benchmark posteriors as a module target factory, for runs whose chains go to worker threads
 * (a worker imports this module and builds the same posterior itself: functions cannot be sent).
 */
import type { SampleTarget } from '../../src/run/types.js';
import { loadBenchPosterior, type BenchPosteriorName } from './posteriors.js';

/** The `sample` target of benchmark posterior `name` for `numChains` chains. */
export async function benchTarget(name: BenchPosteriorName, numChains: number): Promise<SampleTarget> {
  const posterior = await loadBenchPosterior(name);
  if (posterior === undefined) throw new Error(`${name}: reference files missing (../shared/reference/posteriordb)`);
  return posterior.target(numChains).target;
}
