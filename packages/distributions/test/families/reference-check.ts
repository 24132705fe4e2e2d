import { expect } from 'vitest';
import type { Distribution } from '../../src/distribution.js';
import { fitsFloat32, nums, type RefCase } from '../helpers/reference.js';

/** Tolerances of one reference quantity (numpy.allclose: |a - e| <= atol + rtol |e|). */
export interface Tol {
  readonly rtol: number;
  readonly atol: number;
}

/** Tolerances of a summary quantity, as toBeCloseTensor takes them (an atol left out is the matcher's default). */
export interface SummaryTol {
  readonly rtol?: number;
  readonly atol?: number;
}

/** Which quantities to check and how closely: the log functions at x, and the summaries where given. */
export interface ReferenceTols {
  readonly logProb: Tol;
  readonly logCdf?: Tol;
  readonly logSurvival?: Tol;
  /** entropy() against `mp_entropy`. */
  readonly entropy?: SummaryTol;
  /** mean() against `mean`. */
  readonly mean?: SummaryTol;
  /** variance() against `variance`. */
  readonly variance?: SummaryTol;
  /** icdf(quantile_q) against `quantile`. */
  readonly icdf?: SummaryTol;
}

/**
 * Checks logProb / logCdf / logSurvival of `d` against a case's mp_* values at the x that fit in
 * float32 (x = 1e-300 or 1e300 round to 0 or Infinity, a different point, so they are skipped),
 * and not rejected by `skipX`; then entropy, mean, variance and icdf where `tol` names them.
 */
export async function checkReference(d: Distribution, c: RefCase, tol: ReferenceTols, options: { skipX?: (x: number) => boolean } = {}): Promise<void> {
  const xs = (c.x as number[]).map((v, i) => [v, i] as const).filter(([v]) => fitsFloat32(v) && !(options.skipX?.(v) ?? false));
  const run = async (method: 'logProb' | 'logCdf' | 'logSurvival', field: string, t: Tol | undefined) => {
    if (!t) return;
    const expected = nums(c[field] as unknown[]);
    const x = xs.map(([v]) => v);
    const e = xs.map(([, i]) => expected[i]!);
    const got = d[method](x);
    await expect(got, `${method} at x = [${x.join(', ')}]`).toBeCloseTensor(e, t);
    got.dispose();
  };
  await run('logProb', 'mp_log_prob', tol.logProb);
  await run('logCdf', 'mp_log_cdf', tol.logCdf);
  await run('logSurvival', 'mp_log_sf', tol.logSurvival);
  if (tol.entropy) await expect(d.entropy(), 'entropy').toBeCloseTensor(c.mp_entropy as number, tol.entropy);
  if (tol.mean) await expect(d.mean(), 'mean').toBeCloseTensor(c.mean as number, tol.mean);
  if (tol.variance) await expect(d.variance(), 'variance').toBeCloseTensor(c.variance as number, tol.variance);
  if (tol.icdf) await expect(d.icdf(c.quantile_q as number[]), 'icdf').toBeCloseTensor(nums(c.quantile as unknown[]), tol.icdf);
}
