import * as tf from '@tensorflow/tfjs-core';
import { fmtShape } from './checks.js';

/** The optional `{ scale, bias }` of LayerNorm and BatchNorm. */
export interface ScaleBias {
  readonly scale?: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/** Checks that each present, expected parameter is a tensor of shape `[features]`, and that the expected ones are present. */
export function checkScaleBias(where: string, params: ScaleBias, features: number, useScale: boolean, useBias: boolean): void {
  const want: [string, boolean][] = [['scale', useScale], ['bias', useBias]];
  for (const [name, used] of want) {
    const p = (params as Record<string, tf.Tensor | undefined>)[name];
    if (!used) continue;
    if (p === undefined) throw new TypeError(`${where}: params.${name} is missing (the layer was built with ${name === 'scale' ? 'useScale' : 'useBias'}: true)`);
    if (p.rank !== 1 || p.shape[0] !== features) {
      throw new RangeError(`${where}: params.${name} has shape ${fmtShape(p.shape)} but x has ${features} features`);
    }
  }
}

/** y·scale + bias with each factor reshaped to `bshape` (the broadcast shape of the feature axis). */
export function applyScaleBias(y: tf.Tensor, params: ScaleBias, useScale: boolean, useBias: boolean, bshape: number[]): tf.Tensor {
  let out = y;
  if (useScale && params.scale !== undefined) out = tf.mul(out, tf.reshape(params.scale, bshape));
  if (useBias && params.bias !== undefined) out = tf.add(out, tf.reshape(params.bias, bshape));
  return out;
}
