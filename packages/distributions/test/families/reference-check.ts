import { expect } from 'vitest';
import type { Distribution } from '../../src/distribution.js';
import { fitsFloat32, nums, type RefCase } from '../helpers/reference.js';

/** Tolerances of one reference quantity (numpy.allclose: |a - e| <= atol + rtol |e|). */
export interface Tol {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * Checks logProb / logCdf / logSurvival of `d` against a case's mp_* values at the x that fit in
 * float32 (x = 1e-300 or 1e300 round to 0 or Infinity, a different point, so they are skipped),
 * and not rejected by `skipX`.
 */
export async function checkReference(
  d: Distribution,
  c: RefCase,
  tol: { logProb: Tol; logCdf?: Tol; logSurvival?: Tol },
  options: { skipX?: (x: number) => boolean } = {},
): Promise<void> {
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
}
