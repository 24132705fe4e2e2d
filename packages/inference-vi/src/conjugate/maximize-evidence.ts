import * as tf from '@tensorflow/tfjs-core';
import { adam, applyUpdates } from '@probdl/optimizers';
import { tree, valueAndGrad } from '@probdl/tensor-backend';
import type { DesignInput, VectorInput } from './types.js';
import type { BasisDesign, EvidenceHistory, EvidenceOptimum, MaximizeEvidenceOptions } from './evidence-types.js';
import { blrLogEvidence } from './log-evidence.js';
import { mackayFixedPoint } from './mackay.js';
import { describe, designShape, designToTensor, showShape, vectorLength, vectorToTensor } from './internal/inputs.js';
import { checkPositive } from './internal/validate.js';

const FN = 'maximizeEvidence';

/** The unconstrained parameters that gradient ascent moves (only the learned ones are present). */
interface Unconstrained {
  logAlpha?: tf.Scalar;
  logNoiseVariance?: tf.Scalar;
  hyper?: tree.TreeLike;
}

function isBasisDesign(x: unknown): x is BasisDesign<tree.TreeLike> {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && typeof (x as BasisDesign<tree.TreeLike>).basis === 'function';
}

/**
 * Maximises the log evidence of conjugate Bayesian linear regression (type-II maximum likelihood)
 * over the prior precision α, the noise variance σ² and, with a {@link BasisDesign}, the basis
 * hyperparameters.
 *
 * - `method: 'gradient'` (default): gradient ascent on the device in float32 over
 *   `(log α, log σ², hyper)`, with `valueAndGrad` through {@link blrLogEvidence} and the basis
 *   function, and an optimizer from `@probdl/optimizers` (default `adam(0.05)`) applied to the
 *   negative log evidence. Stops after `maxSteps` (500) or once every partial derivative is below
 *   `tolerance` (1e-3), tested every `checkEvery` (25) steps.
 * - `method: 'mackay'`: MacKay's closed-form fixed-point updates for α and σ² in float64 on the
 *   host (a fixed Φ only).
 *
 * @param design a fixed design matrix Φ `[N, D]`, or `{ x, basis, hyper }` with `Φ = basis(x, hyper)`.
 * @param y targets `[N]`. Inputs are not disposed.
 * @returns the optimum (α, σ², fresh `hyper` tensors the caller disposes), its log evidence, the
 *   initial one, the gradient there, and the per-step history.
 * @throws (rejects with) an Error naming the argument for bad shapes or non-positive α / σ², a
 *   basis that does not return `[N, D]`, MacKay asked for with a basis, or a NaN evidence (naming
 *   the step and the hyperparameters there).
 *
 * @example
 * const fit = await maximizeEvidence(phi, y, { alpha: 1, noiseVariance: 1, maxSteps: 1000 });
 * console.log(fit.alpha, fit.noiseVariance, fit.logEvidence);
 */
export async function maximizeEvidence<H extends tree.TreeLike = tree.TreeLike>(
  design: DesignInput | BasisDesign<H>,
  y: VectorInput,
  options: MaximizeEvidenceOptions = {},
): Promise<EvidenceOptimum<H>> {
  const method = options.method ?? 'gradient';
  const alpha0 = checkPositive(options.alpha ?? 1, 'alpha', FN);
  const s20 = checkPositive(options.noiseVariance ?? 1, 'noiseVariance', FN);
  const maxSteps = options.maxSteps ?? (method === 'mackay' ? 1000 : 500);
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new Error(`${FN}: 'maxSteps' must be a non-negative integer, got ${describe(maxSteps)}`);
  if (method === 'mackay') {
    if (isBasisDesign(design)) throw new Error(`${FN}: method 'mackay' needs a fixed design matrix; a basis with hyperparameters needs method 'gradient'`);
    if (options.learn?.basis === true) throw new Error(`${FN}: method 'mackay' cannot learn basis hyperparameters`);
    const { optimizer: _o, checkEvery: _c, method: _m, ...rest } = options;
    return (await mackayFixedPoint(design as DesignInput, y, { ...rest, maxSteps }, FN)) as EvidenceOptimum<H>;
  }
  if (method !== 'gradient') throw new Error(`${FN}: 'method' must be 'gradient' or 'mackay', got ${describe(method)}`);
  const tolerance = options.tolerance ?? 1e-3;
  const checkEvery = options.checkEvery ?? 25;
  if (!Number.isInteger(checkEvery) || checkEvery < 1) throw new Error(`${FN}: 'checkEvery' must be a positive integer, got ${describe(checkEvery)}`);
  const basis = isBasisDesign(design) ? (design as BasisDesign<H>) : undefined;
  const n = vectorLength(y, 'y', FN);
  if (basis === undefined) {
    const [rows] = designShape(design as DesignInput, 'design', FN);
    if (rows !== n) throw new Error(`${FN}: 'design' has ${rows} rows but 'y' has length ${n}; they must match`);
  }
  const learnAlpha = options.learn?.alpha ?? true;
  const learnNoise = options.learn?.noiseVariance ?? true;
  const learnBasis = basis !== undefined && (options.learn?.basis ?? true);
  if (!learnAlpha && !learnNoise && !learnBasis) throw new Error(`${FN}: 'learn' turns every hyperparameter off; nothing to maximise over`);

  const yT = vectorToTensor(y);
  const priorMean = options.priorMean === undefined ? undefined : vectorToTensor(options.priorMean);
  const fixedPhi = basis === undefined ? designToTensor(design as DesignInput) : undefined;
  const constLogAlpha = tf.scalar(Math.log(alpha0));
  const constLogNoise = tf.scalar(Math.log(s20));
  const makePhi = (hyper: tree.TreeLike | undefined): tf.Tensor => {
    if (basis === undefined) return fixedPhi as tf.Tensor2D;
    const phi = basis.basis(basis.x, (hyper ?? basis.hyper) as H);
    if (!(phi instanceof tf.Tensor) || phi.rank !== 2 || phi.shape[0] !== n) {
      throw new Error(`${FN}: 'basis' must return a tensor of shape [N, D] with N = ${n} (the length of 'y'), got ${phi instanceof tf.Tensor ? `shape ${showShape(phi.shape)}` : describe(phi)}`);
    }
    return phi;
  };
  const negEvidence = (p: Unconstrained): tf.Scalar =>
    tf.neg(
      blrLogEvidence(makePhi(p.hyper), yT, {
        alpha: tf.exp(p.logAlpha ?? constLogAlpha),
        noiseVariance: tf.exp(p.logNoiseVariance ?? constLogNoise),
        ...(priorMean ? { priorMean } : {}),
      }),
    ) as tf.Scalar;
  const vg = valueAndGrad(negEvidence);
  const optimizer = options.optimizer ?? adam(0.05);

  let params: Unconstrained = {
    ...(learnAlpha ? { logAlpha: tf.scalar(Math.log(alpha0)) } : {}),
    ...(learnNoise ? { logNoiseVariance: tf.scalar(Math.log(s20)) } : {}),
    ...(learnBasis ? { hyper: tree.clone(basis.hyper) } : {}),
  };
  let state = optimizer.init(params as tree.TreeLike as never);
  const records: tf.Tensor[] = [];
  const history: EvidenceHistory = { logEvidence: [], alpha: [], noiseVariance: [] };
  let steps = 0;
  let converged = false;
  const record = (value: tf.Scalar, p: Unconstrained): tf.Tensor =>
    tf.tidy(() => tf.stack([tf.neg(value), tf.exp(p.logAlpha ?? constLogAlpha), tf.exp(p.logNoiseVariance ?? constLogNoise)]));
  const maxAbsGrad = async (g: Unconstrained): Promise<number> => {
    const flat = tf.tidy(() => {
      const leaves = tree.leaves(g as tree.TreeLike).filter((l): l is tf.Tensor => l instanceof tf.Tensor);
      return leaves.length === 0 ? tf.scalar(0) : tf.max(tf.abs(tf.concat(leaves.map((l) => tf.reshape(l, [-1])))));
    });
    const v = Number((await flat.data())[0]);
    flat.dispose();
    return v;
  };
  const flush = async (): Promise<void> => {
    if (records.length === 0) return;
    const all = tf.stack(records);
    const data = await all.data();
    all.dispose();
    tf.dispose(records);
    records.length = 0;
    for (let i = 0; i < data.length; i += 3) {
      const [ev, a, s] = [data[i], data[i + 1], data[i + 2]] as [number, number, number];
      if (!Number.isFinite(ev)) {
        const step = history.logEvidence.length;
        throw new Error(`${FN}: the log evidence is ${ev} at step ${step} (alpha ${a}, noiseVariance ${s}); lower the learning rate or check the basis`);
      }
      history.logEvidence.push(ev);
      history.alpha.push(a);
      history.noiseVariance.push(s);
    }
  };
  try {
    while (steps < maxSteps) {
      const [value, grads] = vg(params);
      records.push(record(value, params));
      value.dispose();
      if (steps % checkEvery === 0) {
        let small: boolean;
        try {
          await flush();
          small = (await maxAbsGrad(grads)) < tolerance;
        } catch (e) {
          tree.dispose(grads);
          throw e;
        }
        if (small) {
          converged = true;
          tree.dispose(grads);
          break;
        }
      }
      const [updates, nextState] = optimizer.update(grads as never, state, params as never);
      const next = applyUpdates(params as never, updates) as Unconstrained;
      tree.dispose([grads, updates, state, params] as never);
      params = next;
      state = nextState;
      steps++;
    }
    await flush();
    // The value and gradient at the returned point.
    const [value, grads] = vg(params);
    const gradientData = await Promise.all(
      [grads.logAlpha, grads.logNoiseVariance].map(async (g) => (g === undefined ? 0 : Number((await g.data())[0]))),
    );
    let hyperGrad = new Float64Array(0);
    if (grads.hyper !== undefined) {
      const { flat } = tree.ravel(grads.hyper);
      hyperGrad = Float64Array.from(await flat.data());
      flat.dispose();
    }
    const last = record(value, params);
    const [ev, a, s] = Array.from(await last.data()) as [number, number, number];
    tf.dispose([value, last]);
    tree.dispose(grads as never);
    if (!Number.isFinite(ev)) throw new Error(`${FN}: the log evidence is ${ev} at the final step ${steps} (alpha ${a}, noiseVariance ${s})`);
    if (steps === maxSteps && !converged) converged = Math.max(Math.abs(gradientData[0] as number), Math.abs(gradientData[1] as number), ...Array.from(hyperGrad, Math.abs)) < tolerance;
    const initialLogEvidence = history.logEvidence[0] ?? ev;
    const hyper = basis === undefined ? undefined : (tree.clone((learnBasis ? params.hyper : basis.hyper) as H) as H);
    return {
      method: 'gradient',
      alpha: a,
      noiseVariance: s,
      hyper,
      logEvidence: ev,
      initialLogEvidence,
      gradient: {
        logAlpha: learnAlpha ? -(gradientData[0] as number) : 0,
        logNoiseVariance: learnNoise ? -(gradientData[1] as number) : 0,
        hyper: hyperGrad.map((v) => -v),
      },
      history,
      steps,
      converged,
    };
  } finally {
    tf.dispose(records);
    tree.dispose([params, state] as never);
    tf.dispose([yT, constLogAlpha, constLogNoise]);
    if (priorMean) priorMean.dispose();
    if (fixedPhi) fixedPhi.dispose();
  }
}
