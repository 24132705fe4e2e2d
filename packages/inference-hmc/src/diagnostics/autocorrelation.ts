// Radix-2 complex FFT in place (re, im of a power-of-two length).
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
      [im[i], im[j]] = [im[j] ?? 0, im[i] ?? 0];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] ?? 0) * cr - (im[b] ?? 0) * ci;
        const xi = (re[b] ?? 0) * ci + (im[b] ?? 0) * cr;
        re[b] = (re[a] ?? 0) - xr;
        im[b] = (im[a] ?? 0) - xi;
        re[a] = (re[a] ?? 0) + xr;
        im[a] = (im[a] ?? 0) + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * Autocovariance of one series at lags `0 .. n − 1`, biased (divided by `n`) as in ArviZ's
 * `autocov`: `γ_t = (1/n) Σ_{i<n−t} (x_i − x̄)(x_{i+t} − x̄)`, computed by FFT zero-padded to at
 * least `2n`.
 */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  if (n === 0) return new Float64Array(0);
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] ?? 0;
  m /= n;
  for (let i = 0; i < n; i++) re[i] = (x[i] ?? 0) - m;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = (re[i] ?? 0) ** 2 + (im[i] ?? 0) ** 2;
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = (re[t] ?? 0) / size / n;
  return out;
}

/** Autocorrelation `γ_t / γ_0` of one series at lags `0 .. n − 1` (ArviZ's `autocorr`). */
export function autocorrelation(x: ArrayLike<number>): Float64Array {
  const acov = autocovariance(x);
  const g0 = acov[0] ?? NaN;
  return acov.map((g) => g / g0);
}
