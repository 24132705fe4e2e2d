// Float64 host implementations used only to derive expectations (gradients by analytic formulas or central
// differences, and condition numbers). They use textbook float64 algorithms (Lanczos, convergence-checked
// series and continued fractions), independent of the float32 device code, and are themselves checked against
// the mpmath reference values in host-math.test.ts.

// Lanczos approximation, g = 7, n = 9 (the classic coefficient set), about 1e-15 relative.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log|Gamma(x)| in float64. */
export function lgamma64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma64(1 - x);
  if (x > 50) {
    // Stirling with five correction terms (error below 1e-17 relative here).
    const r = 1 / x;
    const r2 = r * r;
    const corr = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + corr;
  }
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const BERNOULLI_2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6];

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** polygamma(n, x) in float64 (n = 0 is digamma): recurrence up to x >= 20, Euler-Maclaurin there, reflection below 0. */
export function polygamma64(n: number, x: number): number {
  if (x <= 0 && Number.isInteger(x)) return n % 2 === 1 ? Infinity : NaN;
  if (x < 0) {
    // d^n/dx^n of pi cot(pi x), by central differences would be poor; use the series sum_k 1/(x+k)^(n+1) instead,
    // which converges for n >= 1 also for negative non-integer x (after shifting past the poles).
    if (n === 0) return polygamma64(0, 1 - x) - Math.PI / Math.tan(Math.PI * x);
    let acc = 0;
    let t = x;
    while (t < 0) {
      acc += 1 / t ** (n + 1);
      t += 1;
    }
    return (n % 2 === 1 ? 1 : -1) * factorial(n) * acc + polygamma64(n, t);
  }
  let acc = 0;
  let t = x;
  while (t < 20) {
    acc += n === 0 ? 1 / t : 1 / t ** (n + 1);
    t += 1;
  }
  if (n === 0) {
    const r2 = 1 / (t * t);
    let tail = 0;
    BERNOULLI_2K.forEach((b, k) => {
      tail += (b / (2 * (k + 1))) * r2 ** (k + 1);
    });
    return Math.log(t) - 0.5 / t - tail - acc;
  }
  let bracket = factorial(n - 1) / t ** n + factorial(n) / (2 * t ** (n + 1));
  BERNOULLI_2K.forEach((b, k) => {
    bracket += (b * factorial(2 * k + 2 + n - 1)) / factorial(2 * k + 2) / t ** (2 * k + 2 + n);
  });
  return (n % 2 === 1 ? 1 : -1) * (factorial(n) * acc + bracket);
}

export const digamma64 = (x: number): number => polygamma64(0, x);

/** Regularised lower incomplete gamma P(a, x) in float64: series for x < a + 1, Lentz continued fraction above. */
export function gammaincP64(a: number, x: number): number {
  return gammaincBoth64(a, x).p;
}

/** Regularised upper incomplete gamma Q(a, x) in float64, computed directly where it is the small one. */
export function gammaincQ64(a: number, x: number): number {
  return gammaincBoth64(a, x).q;
}

function gammaincBoth64(a: number, x: number): { p: number; q: number } {
  if (x <= 0) return { p: 0, q: 1 };
  const logPrefix = a * Math.log(x) - x - lgamma64(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    const p = Math.exp(logPrefix) * sum;
    return { p, q: 1 - p };
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  const q = Math.exp(logPrefix) * h;
  return { p: 1 - q, q };
}

/** The Gamma(a, 1) density x^(a-1) e^-x / Gamma(a) (= dP/dx) in float64. */
export function gammaDensity64(a: number, x: number): number {
  return Math.exp((a - 1) * Math.log(x) - x - lgamma64(a));
}

/** The Beta(a, b) density (= dI/dx) in float64. */
export function betaDensity64(a: number, b: number, x: number): number {
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta64(a, b));
}

export function lbeta64(a: number, b: number): number {
  return lgamma64(a) + lgamma64(b) - lgamma64(a + b);
}

/** Regularised incomplete beta I_x(a, b) in float64 (Lentz continued fraction after the symmetry swap). */
export function betainc64(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betainc64(b, a, 1 - x);
  const tiny = 1e-300;
  const qab = a + b;
  let c = 1;
  let d = 1 - (qab * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100000; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (qab + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-17) break;
  }
  return (Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lbeta64(a, b)) * h) / a;
}

/** Central difference of f at t with step h (float64). */
export function centralDiff(f: (t: number) => number, t: number, h: number): number {
  return (f(t + h) - f(t - h)) / (2 * h);
}

/** Five-point central difference of f at t with step h (truncation O(h^4)), float64. */
export function centralDiff4(f: (t: number) => number, t: number, h: number): number {
  return (f(t - 2 * h) - 8 * f(t - h) + 8 * f(t + h) - f(t + 2 * h)) / (12 * h);
}

/**
 * A difference step for a shape parameter a: the function varies on the scale min(a, sqrt(a)) in a, and on
 * 1/|rate| where rate is the a-derivative of its logarithm (e.g. log x - digamma(a) for x^a / Gamma(a)).
 */
export const paramStep = (a: number, rate = 0): number => 1e-2 * Math.min(a, Math.sqrt(a), 1 / Math.abs(rate));
