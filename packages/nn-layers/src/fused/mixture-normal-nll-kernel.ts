import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, registerHostKernel, type HostKernel } from '@probdl/tensor-backend';

const FORWARD = 'ProbdlMixtureNormalNll';
const BACKWARD = 'ProbdlMixtureNormalNllGrad';
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// Per-row scratch (K values each), float64, grown on demand: no allocation per call.
let scratch = new Float64Array(0);
function rowScratch(k: number): Float64Array {
  if (scratch.length < 5 * k) scratch = new Float64Array(5 * k);
  return scratch;
}

/**
 * Forward over `[n, 3K]` features (K logits, K locs, K raw scales) and `[n, 1]` targets, one row
 * at a time in float64: the per-example NLL `[n]` and its local gradient, d nll_i / d features_i
 * `[n, 3K]` and d nll_i / d y_i `[n, 1]`, all from the same exps (the backward pass only scales them).
 * Stable forms: max-shifted logsumexps, softplus = log1p(exp(−|r|)) + max(r, 0), sigmoid from the
 * same exp(−|r|).
 */
const forwardKernel: HostKernel = {
  kernelName: FORWARD,
  inputNames: ['features', 'y'],
  outputShapes: ([features]) => [[features!.shape[0]!], features!.shape, [features!.shape[0]!, 1]],
  compute([features, y], [nll, gradF, gradY], attrs) {
    const k = attrs.k as number;
    const shift = attrs.shift as number;
    const n = nll!.length;
    const s = rowScratch(k);
    // Scratch blocks: e (exp(logit − max) then π), inv (1/scale), z, sig, lp then w.
    const e = 0;
    const inv = k;
    const zs = 2 * k;
    const sig = 3 * k;
    const lp = 4 * k;
    for (let i = 0; i < n; i++) {
      const row = i * 3 * k;
      const yi = y![i]!;
      let mL = -Infinity;
      for (let j = 0; j < k; j++) mL = Math.max(mL, features![row + j]!);
      let sL = 0;
      let mP = -Infinity;
      for (let j = 0; j < k; j++) {
        const logit = features![row + j]!;
        const ej = Math.exp(logit - mL);
        s[e + j] = ej;
        sL += ej;
        const r = features![row + 2 * k + j]!;
        const a = Math.exp(-Math.abs(r));
        const scale = shift + Math.log1p(a) + Math.max(r, 0);
        s[sig + j] = r >= 0 ? 1 / (1 + a) : a / (1 + a);
        const iv = 1 / scale;
        const z = (yi - features![row + k + j]!) * iv;
        s[inv + j] = iv;
        s[zs + j] = z;
        // log π_k + log N_k + log √(2π) + logsumexp(logits) = logit − z²/2 − log scale.
        const l = logit - 0.5 * z * z - Math.log(scale);
        s[lp + j] = l;
        if (l > mP) mP = l;
      }
      let sP = 0;
      for (let j = 0; j < k; j++) {
        const w = Math.exp(s[lp + j]! - mP);
        s[lp + j] = w;
        sP += w;
      }
      nll![i] = mL + Math.log(sL) - (mP + Math.log(sP)) + HALF_LOG_2PI;
      let dy = 0;
      for (let j = 0; j < k; j++) {
        const pi = s[e + j]! / sL;
        const w = s[lp + j]! / sP;
        const iv = s[inv + j]!;
        const z = s[zs + j]!;
        const wzi = w * z * iv;
        gradF![row + j] = pi - w;
        gradF![row + k + j] = -wzi;
        gradF![row + 2 * k + j] = w * iv * (1 - z * z) * s[sig + j]!;
        dy += wzi;
      }
      gradY![i] = dy;
    }
  },
};

/** Backward: d features = g_i · scale · local gradient, d y likewise; `g` is a scalar or `[n]`. */
const backwardKernel: HostKernel = {
  kernelName: BACKWARD,
  inputNames: ['gradF', 'gradY', 'dy'],
  outputShapes: ([gradF, gradY]) => [gradF!.shape, gradY!.shape],
  compute([gradF, gradY, dy], [dF, dY], attrs) {
    const scale = attrs.scale as number;
    const n = dY!.length;
    const width = n === 0 ? 0 : dF!.length / n;
    const perExample = dy!.length === n && n !== 1 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const g = dy![i * perExample]! * scale;
      dY![i] = gradY![i]! * g;
      const row = i * width;
      for (let j = 0; j < width; j++) dF![row + j] = gradF![row + j]! * g;
    }
  },
};

let registered = false;

/** Whether the fused host kernels run on the active backend (cpu, wasm); registers them once. */
export function mixtureNllKernelAvailable(): boolean {
  if (!registered) {
    registerHostKernel(forwardKernel);
    registerHostKernel(backwardKernel);
    registered = true;
  }
  return hasKernel(FORWARD) && hasKernel(BACKWARD);
}

/** The forward kernel: [per-example NLL [n], d nll/d features [n, 3K], d nll/d y [n, 1]]. */
export function mixtureNllForward(features: tf.Tensor2D, y: tf.Tensor2D, k: number, shift: number): [tf.Tensor1D, tf.Tensor2D, tf.Tensor2D] {
  return tf.engine().runKernel(FORWARD, { features, y }, { k, shift }) as unknown as [tf.Tensor1D, tf.Tensor2D, tf.Tensor2D];
}

/** The backward kernel: `dy` (scalar, or `[n]` for per-example values) times `scale` times the local gradients. */
export function mixtureNllBackward(gradF: tf.Tensor2D, gradY: tf.Tensor2D, dy: tf.Tensor, scale: number): [tf.Tensor2D, tf.Tensor2D] {
  return tf.engine().runKernel(BACKWARD, { gradF, gradY, dy }, { scale }) as unknown as [tf.Tensor2D, tf.Tensor2D];
}
