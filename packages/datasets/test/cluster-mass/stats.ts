/** Ordinary least squares y = a + b x over the rows where `keep` holds; residual std (ddof 2) and the slope's standard error. */
export function ols(x: ArrayLike<number>, y: ArrayLike<number>, keep: (i: number) => boolean = () => true): { a: number; b: number; scatter: number; seB: number; n: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!keep(i)) continue;
    n++;
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!keep(i)) continue;
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (keep(i)) ss += (y[i]! - a - b * x[i]!) ** 2;
  const scatter = Math.sqrt(ss / (n - 2));
  return { a, b, scatter, seB: scatter / Math.sqrt(sxx), n };
}

/** Mean and std (ddof 0) of `v` over the rows where `keep` holds. */
export function meanStd(v: ArrayLike<number>, keep: (i: number) => boolean = () => true): { mean: number; std: number; n: number } {
  let n = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (!keep(i)) continue;
    n++;
    s += v[i]!;
  }
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < v.length; i++) if (keep(i)) ss += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n), n };
}

/** Column `j` of a row-major matrix with `width` columns. */
export function column(x: Float64Array, width: number, j: number): Float64Array {
  const out = new Float64Array(x.length / width);
  for (let i = 0; i < out.length; i++) out[i] = x[i * width + j]!;
  return out;
}
