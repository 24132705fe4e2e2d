import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../special/log-exp.js';
import { drawNormals, drawOpenUnitFloats } from './host-draws.js';
import { assertKey, split, type PRNGKey } from './key.js';
import { isTensor, requireValues, shapeOf, toFloatTensor, toHostParam, type HostParam, type ParamLike } from './params.js';
import { firstAccepted } from './rounds.js';
import { sampleShape } from './shape.js';

/**
 * Proposal rounds of Marsaglia–Tsang per element. Its worst acceptance rate (shape 1, reached through
 * the alpha + 1 boost) is 0.952, so all 12 rounds reject with probability below 0.0482^12 ≈ 1.6e-16.
 */
export const GAMMA_ROUNDS = 12;

/**
 * Validates a concentration-like parameter: numbers must be positive and finite in float32;
 * tensors pass through (their invalid entries give NaN). Returns the host value or the tensor.
 */
export function positiveParam(fn: string, name: string, x: ParamLike): HostParam | tf.Tensor {
  if (isTensor(x)) return x;
  const h = toHostParam(fn, name, x);
  requireValues(fn, name, h, (v) => Math.fround(v) > 0 && Number.isFinite(Math.fround(v)), 'positive and finite (as float32)');
  return h;
}

/**
 * log Gamma(alpha, 1) samples on the device, for alpha (float32, broadcasting to `shape`):
 * Marsaglia & Tsang (2000) with {@link GAMMA_ROUNDS} vectorised rounds from host-drawn normals and
 * uniforms, the first accepted proposal kept; alpha < 1 through Gamma(alpha + 1) U^(1/alpha), in log
 * space so small alphas do not underflow. If no round accepts (< 2e-16 per element) the sample is
 * log(alpha' - 1/3), the proposal's centre. alpha NaN or <= 0 gives NaN; +Infinity gives +Infinity.
 * Run inside tf.tidy.
 */
export function logGammaDevice(k: PRNGKey, alpha: tf.Tensor, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const [kn, ku, kb] = split(k, 3) as [PRNGKey, PRNGKey, PRNGKey];
  const normals = drawNormals(kn, GAMMA_ROUNDS * size);
  const uniforms = drawOpenUnitFloats(ku, GAMMA_ROUNDS * size);
  const boostU = drawOpenUnitFloats(kb, size);
  const a = tf.broadcastTo(alpha, shape);
  const boost = tf.less(a, 1);
  const ap = tf.where(boost, tf.add(a, 1), a);
  const d = tf.sub(ap, 1 / 3);
  const c = tf.rsqrt(tf.mul(d, 9));
  const logD = tf.log(d);
  const proposals = (r0: number, r1: number) => {
    const rows = [r1 - r0, ...shape];
    const x = tf.tensor(normals.subarray(r0 * size, r1 * size), rows, 'float32');
    const u = tf.tensor(uniforms.subarray(r0 * size, r1 * size), rows, 'float32');
    const y = tf.mul(c, x);
    // With v = (1 + y)^3: accept when log u < x^2/2 + d (1 - v + log v); 1 - v + log v is formed
    // from y directly so that it keeps its digits when y is small (large alpha).
    const vMinus1 = tf.mul(y, tf.add(tf.mul(y, tf.add(y, 3)), 3));
    const logV = tf.mul(log1p(y), 3);
    const h = tf.sub(vMinus1, logV);
    const valid = tf.greater(y, -1);
    const test = tf.less(tf.log(u), tf.sub(tf.mul(tf.square(x), 0.5), tf.mul(d, h)));
    return { accept: tf.logicalAnd(valid, test), value: tf.add(logD, logV) };
  };
  const logG = firstAccepted(GAMMA_ROUNDS, shape, logD, proposals);
  const boosted = tf.add(logG, tf.div(tf.log(tf.tensor(boostU, shape, 'float32')), a));
  const out = tf.where(boost, boosted, logG);
  return tf.where(tf.greater(a, 0), out, tf.fill(shape, NaN));
}

function gammaShape(fn: string, concentration: ParamLike, shape?: readonly number[]): number[] {
  return sampleShape(fn, shape, { concentration: shapeOf(fn, 'concentration', concentration) });
}

/**
 * Logarithms of Gamma(concentration, rate 1) samples, like `jax.random.loggamma`: accurate where the
 * samples themselves underflow float32 (concentration below about 0.05 puts much of its mass below
 * 1e-38). Not JAX's stream. `concentration` (number, array or tensor) broadcasts to `shape`
 * (default: its shape); numbers must be positive, tensor entries that are NaN or <= 0 give NaN.
 * Computed on the device from host-drawn normals and uniforms (no readback). Returns a fresh float32 tensor.
 */
export function loggamma(k: PRNGKey, concentration: ParamLike, shape?: readonly number[]): tf.Tensor {
  assertKey('loggamma', k);
  const p = positiveParam('loggamma', 'concentration', concentration);
  const s = gammaShape('loggamma', concentration, shape);
  return tf.tidy(() => logGammaDevice(k, toFloatTensor(p), s));
}

/**
 * Gamma(concentration, rate 1) samples (divide by a rate, or multiply by a scale, yourself), like
 * `jax.random.gamma` in distribution (not JAX's stream): exp of {@link loggamma}. Samples below
 * float32's range round to 0 (common when concentration < 0.05; use {@link loggamma} there).
 * `concentration` broadcasts to `shape` (default: its shape); numbers must be positive, tensor entries
 * that are NaN or <= 0 give NaN. Computed on the device, no readback. Returns a fresh float32 tensor.
 */
export function gamma(k: PRNGKey, concentration: ParamLike, shape?: readonly number[]): tf.Tensor {
  assertKey('gamma', k);
  const p = positiveParam('gamma', 'concentration', concentration);
  const s = gammaShape('gamma', concentration, shape);
  return tf.tidy(() => tf.exp(logGammaDevice(k, toFloatTensor(p), s)));
}
