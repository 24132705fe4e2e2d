/** One parameter block of a host posterior, in Stan's parameter order (= the model's site order). */
export interface HostParam {
  readonly name: string;
  /** Number of scalars (1 for a scalar parameter, whose constrained shape is []). */
  readonly size: number;
  /** Stan's `<lower=0>`: constrained by x = exp(u), log|dx/du| = u. Otherwise unconstrained (x = u). */
  readonly positive: boolean;
}

/** Constrained values by name, each a flat array (length 1 for scalars). */
export type HostValues = Record<string, number[]>;

/**
 * A posterior's log density on the host in float64, over the flat unconstrained position `u`
 * laid out as `params` in order. `terms(u)` lists every additive term (each prior, each
 * likelihood term, each log|det J|), so that tests can bound float32 round-off by their size.
 */
export interface HostPosterior {
  readonly params: readonly HostParam[];
  readonly dim: number;
  terms(u: ArrayLike<number>): number[];
  /**
   * Extra magnitude for float32 round-off that the terms' sizes do not show: a likelihood term
   * -½((x - μ)/σ)² whose mean μ = Σ_d X_d β_d is a sum of large parts that cancel carries an error
   * of about eps32 · |z| · (|x| + Σ_d |X_d β_d|) / σ. 0 where nothing cancels.
   */
  roundoff(u: ArrayLike<number>): number;
  logDensity(u: ArrayLike<number>): number;
  constrain(u: ArrayLike<number>): HostValues;
  unconstrain(values: HostValues): number[];
}

/** Builds a {@link HostPosterior} from the parameter layout and the joint log density's terms at constrained values. */
export function hostPosterior(
  params: readonly HostParam[],
  jointTerms: (v: HostValues) => number[],
  roundoff: (v: HostValues) => number = () => 0,
): HostPosterior {
  const dim = params.reduce((n, p) => n + p.size, 0);
  const constrain = (u: ArrayLike<number>): HostValues => {
    if (u.length !== dim) throw new RangeError(`host: position has length ${u.length}, expected ${dim}`);
    const out: HostValues = {};
    let o = 0;
    for (const p of params) {
      const block: number[] = [];
      for (let i = 0; i < p.size; i++) block.push(p.positive ? Math.exp(u[o + i]!) : u[o + i]!);
      out[p.name] = block;
      o += p.size;
    }
    return out;
  };
  const unconstrain = (values: HostValues): number[] => {
    const u: number[] = [];
    for (const p of params) {
      const block = values[p.name];
      if (!block || block.length !== p.size) throw new RangeError(`host: value of '${p.name}' must have ${p.size} entries`);
      for (const x of block) u.push(p.positive ? Math.log(x) : x);
    }
    return u;
  };
  const logJacobian = (u: ArrayLike<number>): number[] => {
    const out: number[] = [];
    let o = 0;
    for (const p of params) {
      if (p.positive) for (let i = 0; i < p.size; i++) out.push(u[o + i]!); // log|d exp(u)/du| = u
      o += p.size;
    }
    return out;
  };
  const terms = (u: ArrayLike<number>) => [...jointTerms(constrain(u)), ...logJacobian(u)];
  return {
    params,
    dim,
    terms,
    roundoff: (u) => roundoff(constrain(u)),
    logDensity: (u) => terms(u).reduce((a, b) => a + b, 0),
    constrain,
    unconstrain,
  };
}

/** Central differences of f at u in float64, step h·max(1, |u_i|). */
export function finiteDifferenceGradient(f: (u: number[]) => number, u: ArrayLike<number>, h = 1e-5): number[] {
  const x = Array.from(u);
  return x.map((xi, i) => {
    const step = h * Math.max(1, Math.abs(xi));
    const up = x.slice();
    const down = x.slice();
    up[i] = xi + step;
    down[i] = xi - step;
    return (f(up) - f(down)) / (2 * step);
  });
}
