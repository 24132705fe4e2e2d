import type { HostPosterior } from './layout.js';

/**
 * Float32 error bounds for comparing a device log density with its float64 host value.
 *
 * A sum of terms t_1..t_M computed in float32 carries an error of order eps32 · Σ|t_m| (eps32 =
 * 1.19e-7, times a small factor for the operations inside each term and a √M-ish factor for the
 * summation), not eps32 · |Σ t_m|: when terms cancel, the total can be far smaller than its parts.
 * So the scale is Σ|t_m|, with a relative tolerance of VALUE_RTOL.
 */
export const VALUE_RTOL = 1e-6;

/** The same for gradients: scale_i = Σ_m |∂t_m/∂u_i| (the gradient a sum without cancellation would have). */
export const GRADIENT_RTOL = 1e-5;

/** Σ|t_m| at u, plus the host's round-off magnitude of cancelling sums inside the terms. */
export function valueScale(host: HostPosterior, u: ArrayLike<number>): number {
  return host.terms(u).reduce((a, t) => a + Math.abs(t), 0) + host.roundoff(u);
}

/** Σ_m |∂t_m/∂u_i| at u, by float64 central differences of every term. */
export function gradientScale(host: HostPosterior, u: ArrayLike<number>, h = 1e-5): number[] {
  const x = Array.from(u);
  return x.map((xi, i) => {
    const step = h * Math.max(1, Math.abs(xi));
    const up = x.slice();
    const down = x.slice();
    up[i] = xi + step;
    down[i] = xi - step;
    const tu = host.terms(up);
    const td = host.terms(down);
    return tu.reduce((a, t, m) => a + Math.abs((t - td[m]!) / (2 * step)), 0);
  });
}

/** The largest |a_i - e_i| / tol_i (<= 1 passes), with the index where it occurs, for readable failures. */
export function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: ArrayLike<number>): { excess: number; at: number } {
  let excess = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!) / tol[i]!;
    if (!(e <= excess)) {
      excess = e;
      at = i;
    }
  }
  return { excess, at };
}
