/**
 * The posteriors the benchmarks sample: the logistic regressions (2 features × 100 rows,
 * 25 × 10,000, data from a fixed key), the five posteriordb posteriors (the model package's
 * reference models, read by relative import) and the Indaba practical's 4-weight ReLU network.
 * Each comes with its Stan program and data, for the optional Stan comparison.
 */
import { readFileSync } from 'node:fs';
import { logDensity } from '@probdl/model';
import { key, random } from '@probdl/tensor-backend';
import { loadReference, referenceFile } from '@probdl/vitest-config/reference';
import { POSTERIORS, loadPosteriorCase, type PosteriorName } from '../../../model/test/reference/models/posteriordb-cases.js';
import { LOGISTIC_REGRESSION_STAN, logisticData, logisticRegressionLogDensity } from '../../test/models/logistic-regression.js';
import { IDENTITY_DATA, RELU_NETWORK_STAN, reluNetworkLogDensity } from '../../test/models/bnn.js';
import { rejectAsMinusInfinity } from '../../test/models/reject-as-minus-infinity.js';
import type { SampleTarget } from '../../src/run/types.js';
import type { LogDensityFn } from '../../src/types.js';

/** Names of the benchmark posteriors. */
export const LOGISTIC_POSTERIORS = ['lr-2x100', 'lr-25x10000'] as const;
export const BNN_POSTERIOR = 'bnn-relu4';
export type BenchPosteriorName = (typeof LOGISTIC_POSTERIORS)[number] | PosteriorName | typeof BNN_POSTERIOR;
export const ALL_POSTERIORS: readonly BenchPosteriorName[] = [...LOGISTIC_POSTERIORS, ...POSTERIORS, BNN_POSTERIOR];

/** A Stan program and its data (numbers, arrays; matrices as arrays of rows). */
export interface StanProgram {
  readonly code: string;
  readonly data: Record<string, number | number[] | number[][]>;
}

/** A posterior to benchmark: its batched log density and a `sample` target for C chains. */
export interface BenchPosterior {
  readonly name: BenchPosteriorName;
  readonly dim: number;
  readonly logDensityFn: LogDensityFn;
  /** What `sample` runs for `numChains` chains (with `release` to call after the run). */
  target(numChains: number): { target: SampleTarget; release(): void };
  /** The same posterior for Stan (undefined when its files are missing). */
  readonly stan?: StanProgram;
  dispose(): void;
}

/** A bare log density's target: C starting points uniform on (-1, 1) from a fixed key. */
function densityTarget(logDensityFn: LogDensityFn, dim: number) {
  return (numChains: number) => {
    const initialPosition = random.uniform(key(11), [numChains, dim], { minval: -1, maxval: 1 });
    return { target: { logDensityFn, initialPosition, independentRows: true }, release: () => initialPosition.dispose() };
  };
}

/** Builds a benchmark posterior; undefined when a posteriordb reference folder is missing. */
export async function loadBenchPosterior(name: BenchPosteriorName): Promise<BenchPosterior | undefined> {
  if (name === 'lr-2x100' || name === 'lr-25x10000') {
    const [D, N] = name === 'lr-2x100' ? [2, 100] : [25, 10_000];
    const d = logisticData(N, D);
    const stan: StanProgram = { code: LOGISTIC_REGRESSION_STAN, data: { N, D, X: (await d.X.array()) as number[][], y: Array.from(await d.y.data()) } };
    const logDensityFn = logisticRegressionLogDensity(d);
    return { name, dim: D + 1, logDensityFn, target: densityTarget(logDensityFn, D + 1), stan, dispose: d.dispose };
  }
  if (name === BNN_POSTERIOR) {
    const stan: StanProgram = { code: RELU_NETWORK_STAN, data: { N: IDENTITY_DATA.x.length, x: [...IDENTITY_DATA.x], y: [...IDENTITY_DATA.y] } };
    const logDensityFn = reluNetworkLogDensity(IDENTITY_DATA);
    return { name, dim: 4, logDensityFn, target: densityTarget(logDensityFn, 4), stan, dispose: () => undefined };
  }
  const c = loadPosteriorCase(name);
  if (c === undefined) return undefined;
  const ld = rejectAsMinusInfinity(logDensity(c.model, c.args));
  const codeFile = referenceFile(`posteriordb/${name}/model.stan`);
  const data = loadReference<StanProgram['data']>(`posteriordb/${name}/data.json`);
  const stan = codeFile.available && data !== undefined ? { code: readFileSync(codeFile.path!, 'utf8'), data } : undefined;
  return {
    name,
    dim: ld.dim,
    logDensityFn: ld.logDensityFn,
    target: () => ({ target: ld, release: () => undefined }),
    stan,
    dispose: () => {
      ld.dispose();
      c.dispose();
    },
  };
}
