import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, type PRNGKey } from '@probdl/tensor-backend';
import type { Distribution } from '../../src/distribution.js';
import type { TensorInput } from '../../src/internal/params.js';

/** One call: a method's name and its arguments, or a function of the distribution (e.g. `d.support.check(x)`). */
export type MethodCall = readonly [method: string, ...args: unknown[]] | ((d: Distribution) => unknown);

/** A distribution to build inside the leak check and the calls to make on it. */
export type LeakCase = readonly [make: () => Distribution, calls: readonly MethodCall[]];

/**
 * Builds each case's distribution inside one `expectNoLeaks`, makes its calls (a misspelt method
 * fails the test), disposes it, and fails when any tensor besides the returned results is left.
 */
export async function expectMethodsDoNotLeak(...cases: readonly LeakCase[]): Promise<void> {
  await expectNoLeaks(() => {
    const out: unknown[] = [];
    for (const [make, calls] of cases) {
      const d = make();
      for (const call of calls) {
        if (typeof call === 'function') {
          out.push(call(d));
          continue;
        }
        const [method, ...args] = call;
        const fn = (d as unknown as Record<string, unknown>)[method];
        if (typeof fn !== 'function') throw new TypeError(`${d.name} has no method '${method}'`);
        out.push((fn as (...a: unknown[]) => unknown).apply(d, args));
      }
      d.dispose();
    }
    return out;
  });
}

/** Arguments of the scalar-family calls; a method left out is not called. */
export interface ScalarCallArgs {
  /** The key of `sample(key, [3])` (default key(1)). */
  readonly sampleKey?: PRNGKey;
  readonly logProb: TensorInput;
  readonly prob: TensorInput;
  readonly cdf: TensorInput;
  readonly logCdf?: TensorInput;
  readonly survival?: TensorInput;
  readonly logSurvival?: TensorInput;
  readonly icdf?: TensorInput;
  /** Summaries the family does not define (default: none). */
  readonly without?: readonly string[];
}

/**
 * The calls every scalar family answers: sample, logProb, prob, cdf, logCdf, survival,
 * logSurvival, icdf (where given), mean, variance, stddev, mode and entropy (less `without`).
 */
export function scalarMethodCalls(a: ScalarCallArgs): MethodCall[] {
  const calls: MethodCall[] = [['sample', a.sampleKey ?? key(1), [3]]];
  for (const m of ['logProb', 'prob', 'cdf', 'logCdf', 'survival', 'logSurvival', 'icdf'] as const) {
    if (a[m] !== undefined) calls.push([m, a[m]]);
  }
  for (const m of ['mean', 'variance', 'stddev', 'mode', 'entropy']) if (!a.without?.includes(m)) calls.push([m]);
  return calls;
}
