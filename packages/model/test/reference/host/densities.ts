/** Float64 log densities on the host, written from their formulas (Stan's functions reference), all constants kept. */

/** log(2π). */
export const LOG_2PI = Math.log(2 * Math.PI);

/** normal_lpdf(x | mu, sigma) = -½((x-μ)/σ)² - log σ - ½ log 2π. */
export function normalLpdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - Math.log(sigma) - 0.5 * LOG_2PI;
}

/** The half-normal on x >= 0: log 2 + normal_lpdf(x | 0, sigma) (Stan's `<lower=0>` with `normal(0, sigma)`, normalised). */
export function halfNormalLpdf(x: number, sigma: number): number {
  return x < 0 ? -Infinity : Math.LN2 + normalLpdf(x, 0, sigma);
}

/** cauchy_lpdf(x | 0, s) = -log π - log s - log(1 + (x/s)²). */
export function cauchyLpdf(x: number, mu: number, s: number): number {
  const z = (x - mu) / s;
  return -Math.log(Math.PI) - Math.log(s) - Math.log1p(z * z);
}

/** The half-Cauchy on x >= 0: log 2 + cauchy_lpdf(x | 0, s). */
export function halfCauchyLpdf(x: number, s: number): number {
  return x < 0 ? -Infinity : Math.LN2 + cauchyLpdf(x, 0, s);
}

/**
 * The round-off magnitude of normal_lpdf(x | mu, sigma) when mu is a sum of parts whose absolute
 * values add up to `muAbs`: |z| · (|x| + muAbs) / σ (times eps32, the error of -½z²).
 */
export function normalRoundoff(x: number, mu: number, muAbs: number, sigma: number): number {
  return (Math.abs((x - mu) / sigma) * (Math.abs(x) + muAbs)) / sigma;
}
