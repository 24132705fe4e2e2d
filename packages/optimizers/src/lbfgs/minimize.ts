import * as tf from '@tensorflow/tfjs-core';
import { tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { backtrackingLineSearch, zoomLineSearch, type LinePoint, type LineSearchSettings } from './line-search.js';
import { twoLoop, vdot } from './two-loop.js';

/** Options of {@link minimizeLbfgs}. */
export interface MinimizeLbfgsOptions {
  /** The most L-BFGS iterations (each one line search). Default 100. */
  maxIterations?: number;
  /**
   * Stop (converged) when the 2-norm of the gradient is at most this. Default 1e-6. The gradient is
   * computed in float32, so its noise floor is about 1e-7 × its typical size: ask for more only on
   * well-scaled problems.
   */
  tolerance?: number;
  /**
   * Also stop (converged) when an iteration lowers f by at most
   * `valueTolerance · max(|f_k|, |f_{k+1}|, 1)`. Default 0 (off).
   */
  valueTolerance?: number;
  /** Pairs kept for the inverse-Hessian approximation. Default 10. */
  memorySize?: number;
  /** 'zoom' (strong Wolfe, default) or 'backtracking' (Armijo only). */
  lineSearch?: 'zoom' | 'backtracking';
  /** The most evaluations of f per line search. Default 30. */
  maxLineSearchSteps?: number;
  /** Sufficient-decrease constant. Default 1e-4. */
  c1?: number;
  /** Curvature constant of the strong Wolfe condition (zoom only). Default 0.9. */
  c2?: number;
  /**
   * Hager & Zhang's approximate sufficient decrease, as Optax's `approx_dec_rtol`: a step is also
   * accepted if f rises by at most `approxDecreaseRtol·|f|` and the slope along the direction is at most
   * `(1 − 2 c1)` times its initial magnitude. Without it, float32 cannot see the decrease of the last
   * iterations (about ‖g‖² against |f|·6e-8) and the search fails early. Default 1e-6; 0 turns it off.
   */
  approxDecreaseRtol?: number;
}

/** Why {@link minimizeLbfgs} stopped. */
export type LbfgsStopReason = 'gradient' | 'value' | 'maxIterations' | 'lineSearch';

/** The result of {@link minimizeLbfgs}. */
export interface MinimizeLbfgsResult<P> {
  /** The parameters at the end: fresh tensors that the caller owns. */
  params: P;
  /** f at `params` (read back from float32). */
  value: number;
  /** Iterations done (line searches that moved the parameters). */
  iterations: number;
  /** True when the gradient or value tolerance was met. */
  converged: boolean;
  /** The 2-norm of the gradient at `params`. */
  gradNorm: number;
  /**
   * Why it stopped: `'gradient'` / `'value'` (converged), `'maxIterations'`, or `'lineSearch'`:
   * no step along the L-BFGS direction lowered f, which in float32 usually means that f is at its
   * minimum to working precision (check `gradNorm`).
   */
  reason: LbfgsStopReason;
  /** Evaluations of f and its gradient, in all. */
  evaluations: number;
}

interface Options {
  maxIterations: number;
  tolerance: number;
  valueTolerance: number;
  memorySize: number;
  lineSearch: 'zoom' | 'backtracking';
  maxLineSearchSteps: number;
  c1: number;
  c2: number;
  approxDecreaseRtol: number;
}

function checkOptions(o: MinimizeLbfgsOptions): Options {
  if (o === null || typeof o !== 'object') throw new TypeError(`minimizeLbfgs: options must be an object, got ${String(o)}`);
  const r: Options = {
    maxIterations: o.maxIterations ?? 100,
    tolerance: o.tolerance ?? 1e-6,
    valueTolerance: o.valueTolerance ?? 0,
    memorySize: o.memorySize ?? 10,
    lineSearch: o.lineSearch ?? 'zoom',
    maxLineSearchSteps: o.maxLineSearchSteps ?? 30,
    c1: o.c1 ?? 1e-4,
    c2: o.c2 ?? 0.9,
    approxDecreaseRtol: o.approxDecreaseRtol ?? 1e-6,
  };
  const int = (name: keyof Options, min: number): void => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < min) throw new Error(`minimizeLbfgs: '${name}' must be an integer ≥ ${min}, got ${String(v)}`);
  };
  int('maxIterations', 0);
  int('memorySize', 1);
  int('maxLineSearchSteps', 1);
  for (const name of ['tolerance', 'valueTolerance', 'approxDecreaseRtol'] as const) {
    const v = r[name];
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new Error(`minimizeLbfgs: '${name}' must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
  if (r.lineSearch !== 'zoom' && r.lineSearch !== 'backtracking') {
    throw new Error(`minimizeLbfgs: 'lineSearch' must be 'zoom' or 'backtracking', got ${String(r.lineSearch)}`);
  }
  if (typeof r.c1 !== 'number' || !(r.c1 > 0 && r.c1 < 1)) throw new Error(`minimizeLbfgs: 'c1' must be in (0, 1), got ${String(r.c1)}`);
  if (typeof r.c2 !== 'number' || !(r.c2 > r.c1 && r.c2 < 1)) {
    throw new Error(`minimizeLbfgs: 'c2' must be in (c1, 1) = (${r.c1}, 1), got ${String(r.c2)}`);
  }
  return r;
}

/** A point of the line search: the numbers, and the device vectors the next iteration needs. */
interface Trial extends LinePoint {
  gradNorm: number;
  x: tf.Tensor1D;
  g: tf.Tensor1D;
}

/**
 * Minimises a scalar function of a pytree by L-BFGS with a line search: the strong Wolfe zoom of
 * Nocedal & Wright (Alg. 3.5/3.6; as Optax's `scale_by_zoom_linesearch`) by default, or Armijo
 * backtracking. For small full-batch problems: MAP estimates, Laplace approximations, evidence
 * maximisation. It is async and reads a few scalars back at every evaluation of f (value,
 * directional derivative, gradient norm), so do not use it inside a minibatch loop.
 *
 * - `f(params)` returns a float32 scalar tensor; its gradient comes from `valueAndGrad`. The
 *   parameters are ravelled into one float32 vector; the result has the structure of `params`.
 * - The first step has length at most 1 (the initial inverse Hessian is `min(1, 1/‖g‖) I`); later
 *   steps start the line search at 1, the natural quasi-Newton step.
 * - Curvature pairs with `s·y ≤ 0` are skipped; a direction that is not a descent direction resets
 *   the memory and falls back to steepest descent.
 * - `params` is not disposed; the returned `params` are fresh, and nothing else is left behind.
 *
 * To **maximise** an objective, minimise its negation:
 *
 * @example
 * const { params: wMap, value } = await minimizeLbfgs((p) => tf.neg(logPosterior(p)), { w: tf.zeros([3]) });
 * // value is −max logPosterior
 */
export async function minimizeLbfgs<P extends Tree>(
  f: (params: P) => tf.Tensor,
  params: P,
  options: MinimizeLbfgsOptions = {},
): Promise<MinimizeLbfgsResult<P>> {
  if (typeof f !== 'function') throw new TypeError(`minimizeLbfgs: 'f' must be a function, got ${typeof f}`);
  const o = checkOptions(options);
  const checked = (p: P): tf.Tensor => {
    const v = f(p);
    if (!(v instanceof tf.Tensor)) throw new Error(`minimizeLbfgs: f must return a scalar tensor, got ${v === null ? 'null' : typeof v}`);
    if (v.rank !== 0) throw new Error(`minimizeLbfgs: f must return a scalar tensor (shape []), got shape [${v.shape.join(', ')}]`);
    return v;
  };
  const vg = valueAndGrad(checked as (p: Tree) => tf.Tensor);
  const { flat: x0, unravel } = tree.ravel(params);

  // Everything on the device that this call owns, disposed at the end (success or error).
  let x: tf.Tensor1D = x0;
  let g: tf.Tensor1D | undefined;
  const S: tf.Tensor1D[] = [];
  const Y: tf.Tensor1D[] = [];
  const rho: tf.Scalar[] = [];
  let gamma: tf.Scalar | undefined;
  const pending = new Set<Trial>();
  let evaluations = 0;

  /** f and ∇f at x + α d, with [value, ∇f·d, ‖∇f‖] read back in one go. */
  const evaluate = async (base: tf.Tensor1D, d: tf.Tensor1D | undefined, alpha: number): Promise<Trial> => {
    const out = tf.tidy(() => {
      const xa = (d === undefined ? tf.clone(base) : tf.add(base, tf.mul(d, alpha))) as tf.Tensor1D;
      const [value, grads] = vg(unravel(xa));
      const ga = tree.ravel(grads).flat;
      const stats = tf.stack([value, d === undefined ? tf.scalar(0) : vdot(ga, d), tf.sqrt(vdot(ga, ga))]);
      return { x: xa, g: ga, stats };
    });
    evaluations++;
    let data: Float32Array | Int32Array | Uint8Array;
    try {
      data = await out.stats.data();
    } catch (e) {
      tf.dispose([out.x, out.g]);
      throw e;
    } finally {
      out.stats.dispose();
    }
    const trial: Trial = { alpha, value: data[0]!, slope: data[1]!, gradNorm: data[2]!, x: out.x, g: out.g };
    pending.add(trial);
    return trial;
  };
  const release = (t: Trial): void => {
    pending.delete(t);
    tf.dispose([t.x, t.g]);
  };
  const settings: LineSearchSettings = {
    c1: o.c1,
    c2: o.c2,
    maxSteps: o.maxLineSearchSteps,
    initialStep: 1,
    maxStep: 1e10,
    approxDecRtol: o.approxDecreaseRtol,
  };
  const search = o.lineSearch === 'zoom' ? zoomLineSearch<Trial> : backtrackingLineSearch<Trial>;

  try {
    const start = await evaluate(x0, undefined, 0);
    pending.delete(start);
    x.dispose();
    x = start.x;
    g = start.g;
    let value = start.value;
    let gradNorm = start.gradNorm;
    if (!Number.isFinite(value)) throw new Error(`minimizeLbfgs: f is not finite at the initial params (value ${value})`);
    if (!Number.isFinite(gradNorm)) throw new Error(`minimizeLbfgs: the gradient of f is not finite at the initial params`);

    let iterations = 0;
    let reason: LbfgsStopReason = 'maxIterations';
    const clearMemory = (): void => {
      tf.dispose([...S, ...Y, ...rho]);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      gamma?.dispose();
      gamma = undefined;
    };
    while (true) {
      if (gradNorm <= o.tolerance) {
        reason = 'gradient';
        break;
      }
      if (iterations >= o.maxIterations) break;
      const gk = g;
      const initialScale = Math.min(1, 1 / gradNorm);
      const [dir, slopeTensor] = tf.tidy(() => {
        const r = tf.neg(twoLoop(gk, S, Y, rho, gamma ?? initialScale)) as tf.Tensor1D;
        return [r, vdot(r, gk)] as [tf.Tensor1D, tf.Scalar];
      });
      let d = dir;
      let slope = (await slopeTensor.data())[0]!;
      slopeTensor.dispose();
      if (!(slope < 0) || !Number.isFinite(slope)) {
        // Not a descent direction (round-off in a stale memory): restart from steepest descent.
        clearMemory();
        d.dispose();
        d = tf.tidy(() => tf.mul(gk, -initialScale)) as tf.Tensor1D;
        slope = -initialScale * gradNorm * gradNorm;
      }
      const dk = d;
      const xk = x;
      let result;
      try {
        result = await search((alpha) => evaluate(xk, dk, alpha), release, { alpha: 0, value, slope }, settings);
      } finally {
        dk.dispose();
      }
      const next = result.point;
      if (next === undefined) {
        reason = 'lineSearch';
        break;
      }
      pending.delete(next);
      iterations++;
      // Curvature pair; s·y = α(φ'(α) − φ'(0)) > 0 under the Wolfe conditions.
      const syHost = next.alpha * (next.slope - slope);
      if (Number.isFinite(syHost) && syHost > 0) {
        const [s, y, r, gm] = tf.tidy(() => {
          const s = tf.sub(next.x, x) as tf.Tensor1D;
          const y = tf.sub(next.g, gk) as tf.Tensor1D;
          const sy = vdot(s, y);
          return [s, y, tf.div(1, sy) as tf.Scalar, tf.div(sy, vdot(y, y)) as tf.Scalar] as const;
        });
        S.push(s);
        Y.push(y);
        rho.push(r);
        gamma?.dispose();
        gamma = gm;
        if (S.length > o.memorySize) tf.dispose([S.shift()!, Y.shift()!, rho.shift()!]);
      }
      const previous = value;
      tf.dispose([x, gk]);
      x = next.x;
      g = next.g;
      value = next.value;
      gradNorm = next.gradNorm;
      if (o.valueTolerance > 0 && previous - value <= o.valueTolerance * Math.max(Math.abs(previous), Math.abs(value), 1)) {
        reason = gradNorm <= o.tolerance ? 'gradient' : 'value';
        break;
      }
    }
    clearMemory();
    return {
      params: unravel(x),
      value,
      iterations,
      converged: reason === 'gradient' || reason === 'value',
      gradNorm,
      reason,
      evaluations,
    };
  } finally {
    tf.dispose([x, ...(g === undefined ? [] : [g]), ...S, ...Y, ...rho, ...(gamma === undefined ? [] : [gamma])]);
    for (const t of pending) tf.dispose([t.x, t.g]);
  }
}
