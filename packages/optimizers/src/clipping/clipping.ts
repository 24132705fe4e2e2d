import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { globalNorm } from '../apply-updates.js';
import { tidyPair } from '../wrappers/internal.js';

/** The state of a stateless transformation (Optax's EmptyState). */
export type EmptyState = Record<string, never>;

function checkPositive(fn: string, name: string, v: unknown, allowZero: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new Error(`${fn}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${String(v)}`);
  }
  return v;
}

const mapTensors = (f: (t: tf.Tensor) => tf.Tensor, t: Tree): Tree => tree.map((x: tf.Tensor | number) => (typeof x === 'number' ? x : f(x)), t as never) as Tree;

/** Clips every update element to `[-maxDelta, maxDelta]` (`optax.clip`). Stateless. */
export function clip(maxDelta: number): GradientTransformation<EmptyState> {
  checkPositive('clip', 'maxDelta', maxDelta, true);
  return {
    init: () => ({}),
    update: (updates) => [mapTensors((u) => tf.clipByValue(u, -maxDelta, maxDelta), updates), {}],
  };
}

/**
 * Rescales all updates together so that their global 2-norm is at most `maxNorm`
 * (`optax.clip_by_global_norm`): updates with norm `n >= maxNorm` become `u / n * maxNorm`,
 * smaller ones pass unchanged. Stateless; decided on the device (no readback).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm, false);
  return {
    init: () => ({}),
    update: (updates) =>
      tidyPair(() => {
        const norm = globalNorm(updates);
        const keep = tf.less(norm, maxNorm);
        const out = mapTensors((u) => {
          const n = tf.cast(norm, u.dtype);
          return tf.where(keep, u, tf.mul(tf.div(u, n), tf.scalar(maxNorm, u.dtype)));
        }, updates);
        return [out, {}] as [Tree, EmptyState];
      }),
  };
}

/**
 * Clips each leaf by its own root-mean-square (`optax.clip_by_block_rms`): every leaf `u` becomes
 * `u / max(1, rms(u) / threshold)`. Stateless.
 */
export function clipByBlockRms(threshold: number): GradientTransformation<EmptyState> {
  checkPositive('clipByBlockRms', 'threshold', threshold, false);
  return {
    init: () => ({}),
    update: (updates) => [
      mapTensors((u) => {
        const rms = tf.sqrt(tf.mean(tf.square(u)));
        return tf.div(u, tf.maximum(1, tf.div(rms, threshold)));
      }, updates),
      {},
    ],
  };
}

/** State of {@link zeroNans}: per leaf, a bool scalar tensor saying whether the last updates held a NaN. */
export interface ZeroNansState {
  [key: string]: Tree;
  foundNan: Tree;
}

/**
 * Replaces NaNs in the updates by zeros (`optax.zero_nans`). The state records, per leaf, whether
 * the last updates held a NaN (a bool scalar tensor, as Optax's `ZeroNansState.found_nan`).
 */
export function zeroNans(): GradientTransformation<ZeroNansState> {
  return {
    init: (params) => ({ foundNan: mapTensors(() => tf.scalar(false, 'bool'), params) }),
    update: (updates) =>
      tidyPair(() => {
        const foundNan = mapTensors((u) => tf.any(tf.isNaN(u)), updates);
        const out = mapTensors((u) => tf.where(tf.isNaN(u), tf.zerosLike(u), u), updates);
        return [out, { foundNan }] as [Tree, ZeroNansState];
      }),
  };
}
