import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalTriL } from '@probdl/distributions';
import {
  choleskyF64,
  choleskyInverseF64,
  hessian,
  logDetFromCholeskyF64,
  matrixF64,
  random,
  type MatrixF64,
  type PRNGKey,
} from '@probdl/tensor-backend';
import { generalizedGaussNewton } from './ggn.js';
import { symmetricEigen } from './internal/symmetric-eigen.js';
import { flatProblem } from './internal/position.js';
import type { LaplaceApproximation, LaplaceOptions, LaplaceTarget } from './types.js';

const FN = 'laplace';
const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * The Laplace approximation N(θ*, H⁻¹) of a posterior around its mode θ*: H is the negative Hessian
 * of the log density at θ* by autodiff (`hessian: 'autodiff'`, default) or a network's generalized
 * Gauss–Newton matrix (`hessian: 'ggn'`, see {@link generalizedGaussNewton}), plus `damping` on the
 * diagonal. H is formed on the device (float32), read back once and factorised on the host in
 * float64 (Cholesky of H, covariance H⁻¹ and its Cholesky factor); also returns the Laplace log
 * evidence `log p(θ*) + D/2 log 2π − ½ log det H`.
 *
 * MAP then Laplace in two lines:
 * ```ts
 * const { position } = await findMap(target, tf.zeros([2]), { optimizer: adam(1e-2), steps: 800 });
 * const approx = await laplace(target, position);
 * ```
 *
 * @param logDensity see {@link LaplaceTarget}: a batched target for a `[D]` position, a function of
 *   the tree for a pytree position.
 * @param mapPosition the mode (from {@link findMap} or elsewhere); not disposed. The approximation is
 *   only meaningful at a maximum: the gradient is not checked.
 * @returns an approximation that owns its tensors (dispose it).
 * @throws (rejects with) an Error when H is not positive definite, naming the Cholesky column and
 *   pivot, the smallest eigenvalue and its direction (the coordinate with the largest component),
 *   and suggesting `damping`; an Error naming non-finite Hessian entries; errors naming bad options.
 */
export async function laplace<P = tf.Tensor>(logDensity: LaplaceTarget<P>, mapPosition: P, options: LaplaceOptions<P> = {}): Promise<LaplaceApproximation<P>> {
  const mode = options.hessian ?? 'autodiff';
  if (mode !== 'autodiff' && mode !== 'ggn') throw new RangeError(`${FN}: option 'hessian' must be 'autodiff' or 'ggn', got ${String(mode)}`);
  if (mode === 'ggn' && options.ggn === undefined) throw new RangeError(`${FN}: hessian 'ggn' needs option 'ggn' ({ apply, inputs, likelihood, priorPrecision })`);
  const damping = options.damping ?? 0;
  if (!(damping >= 0 && Number.isFinite(damping))) throw new RangeError(`${FN}: option 'damping' must be a number >= 0, got ${damping}`);
  const problem = flatProblem(FN, logDensity, mapPosition);
  const d = problem.dim;
  let precisionT: tf.Tensor;
  let valueT: tf.Tensor;
  try {
    valueT = tf.tidy(() => problem.logDensity(problem.flat));
    precisionT =
      mode === 'ggn'
        ? generalizedGaussNewton(mapPosition, options.ggn!)
        : tf.tidy(() => tf.neg(hessian((z: tf.Tensor) => problem.logDensity(z))(problem.flat)));
  } catch (e) {
    problem.flat.dispose();
    throw e;
  }
  let hostMean: Float64Array;
  let hostPrecision: Float64Array;
  let value: number;
  try {
    [hostMean, hostPrecision, value] = await Promise.all([
      problem.flat.data().then((v) => Float64Array.from(v)),
      precisionT.data().then((v) => Float64Array.from(v)),
      valueT.data().then((v) => v[0]!),
    ]);
  } finally {
    precisionT.dispose();
    valueT.dispose();
  }
  try {
    if (!Number.isFinite(value)) throw new Error(`${FN}: the log density at the mode is ${value}; the position is not a mode`);
    for (let i = 0; i < d * d; i++) {
      if (!Number.isFinite(hostPrecision[i]!)) {
        throw new Error(`${FN}: the ${mode === 'ggn' ? 'GGN' : 'Hessian'} has a non-finite entry ${hostPrecision[i]} at [${Math.floor(i / d)}, ${i % d}]; the log density may not be twice differentiable at the mode`);
      }
    }
    const precision = matrixF64(d, d, hostPrecision);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const v = (precision.data[i * d + j]! + precision.data[j * d + i]!) / 2;
        precision.data[i * d + j] = v;
        precision.data[j * d + i] = v;
      }
      precision.data[i * d + i]! += damping;
    }
    const lPrec = factorOrExplain(precision, mode, damping, problem.describe);
    const covariance = choleskyInverseF64(lPrec);
    const scaleTril = choleskyF64(covariance);
    const logEvidence = value + 0.5 * d * LOG_TWO_PI - 0.5 * logDetFromCholeskyF64(lPrec);
    return build(problem.flat as tf.Tensor1D, problem.unravel, { mean: hostMean, precision, covariance, scaleTril }, value, logEvidence);
  } catch (e) {
    problem.flat.dispose();
    throw e;
  }
}

/** Cholesky of the precision, or an Error that says which direction is not curved downwards. */
function factorOrExplain(precision: MatrixF64, mode: string, damping: number, describe: (i: number) => string): MatrixF64 {
  try {
    return choleskyF64(precision);
  } catch (e) {
    const d = precision.rows;
    const pivot = /column (\d+).*pivot (\S+)/.exec((e as Error).message);
    const { values, vectors } = symmetricEigen(precision.data, d);
    const lambda = values[0]!;
    const v = vectors[0]!;
    let arg = 0;
    for (let i = 1; i < d; i++) if (Math.abs(v[i]!) > Math.abs(v[arg]!)) arg = i;
    const shown = d <= 8 ? `[${Array.from(v, (x) => x.toPrecision(3)).join(', ')}]` : `(largest component ${v[arg]!.toPrecision(3)} at coordinate ${arg})`;
    const what = mode === 'ggn' ? 'the GGN matrix' : 'the negative Hessian of the log density';
    const suggested = Math.max(Math.abs(lambda), 1e-8) * 2;
    throw new Error(
      `${FN}: ${what} at the mode is not positive definite${damping > 0 ? ` (with damping ${damping})` : ''}: ` +
        `${pivot ? `Cholesky pivot ${pivot[2]} at column ${pivot[1]} (0-based); ` : ''}` +
        `smallest eigenvalue ${lambda.toPrecision(4)} along direction ${shown}, mostly ${describe(arg)} of the ravelled position. ` +
        `The position may not be a maximum (run findMap longer), or the posterior is flat or improper along that direction (add a prior); ` +
        `or pass option 'damping' (e.g. ${suggested.toPrecision(2)}) to add jitter to the diagonal.`,
    );
  }
}

function build<P>(
  mean: tf.Tensor1D,
  unravel: (z: tf.Tensor) => P,
  host: LaplaceApproximation['host'],
  logDensityAtMode: number,
  logEvidence: number,
): LaplaceApproximation<P> {
  const d = host.mean.length;
  const covariance = tf.tensor2d(Float32Array.from(host.covariance.data), [d, d], 'float32');
  const precision = tf.tensor2d(Float32Array.from(host.precision.data), [d, d], 'float32');
  const scaleTril = tf.tensor2d(Float32Array.from(host.scaleTril.data), [d, d], 'float32');
  const distribution = new MultivariateNormalTriL({ loc: mean, scaleTril, validateArgs: false });
  let disposed = false;
  return {
    dim: d,
    mean,
    covariance,
    precision,
    scaleTril,
    distribution,
    logDensityAtMode,
    logEvidence,
    host,
    unravel: (flat) => {
      if (!(flat instanceof tf.Tensor) || flat.rank !== 1 || flat.shape[0] !== d) {
        throw new RangeError(`laplace.unravel: argument 'flat' must have shape [${d}], got ${flat instanceof tf.Tensor ? `[${flat.shape.join(', ')}]` : typeof flat}`);
      }
      return unravel(flat);
    },
    sample: (key: PRNGKey, n: number) => {
      if (disposed) throw new Error('laplace.sample: the approximation was disposed');
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`laplace.sample: argument 'n' must be an integer >= 0, got ${n}`);
      return tf.tidy(() => tf.add(mean, tf.matMul(random.normal(key, [n, d]), scaleTril, false, true))) as tf.Tensor2D;
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      distribution.dispose();
      tf.dispose([mean, covariance, precision, scaleTril]);
    },
  };
}
