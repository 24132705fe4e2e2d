import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import type { PlateFrame } from '../types.js';
import { sameShape } from './tensors.js';

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * Checks the value of a sample site (an `obs`, or a value set by condition / substitute / replay)
 * against its distribution: the value must end with the event shape exactly, its batch part must
 * broadcast (right-aligned) against `sampleShape + batchShape` of the plate-expanded distribution,
 * and extra dimensions on the left (a leading batch of positions) are allowed. Inside a subsampling
 * plate a value that still has the plate's full size at the plate's dim is reported as such.
 */
export function checkSiteValue(
  name: string,
  what: string,
  value: tf.Tensor,
  fn: Distribution,
  sampleShape: readonly number[],
  plates: readonly PlateFrame[],
): void {
  const event = fn.eventShape;
  const vs = value.shape;
  if (vs.length < event.length) {
    throw new RangeError(
      `sample site '${name}': ${what} has shape ${fmt(vs)} (rank ${vs.length}), lower than the rank ${event.length} of the distribution's event shape ${fmt(event)}`,
    );
  }
  const vEvent = vs.slice(vs.length - event.length);
  if (!sameShape(vEvent, event)) {
    throw new RangeError(
      `sample site '${name}': ${what} has shape ${fmt(vs)}, which does not end with the event shape ${fmt(event)} of ${fn.name}`,
    );
  }
  const vBatch = vs.slice(0, vs.length - event.length);
  for (const f of plates) {
    const i = vBatch.length + f.dim;
    if (i < 0 || vBatch[i] === 1 || vBatch[i] === f.subsampleSize) continue;
    if (f.subsampleSize !== f.size && vBatch[i] === f.size) {
      throw new RangeError(
        `sample site '${name}': ${what} has shape ${fmt(vs)}, with the full size ${f.size} of plate '${f.name}' at dim ${f.dim}, ` +
          `but the plate subsamples ${f.subsampleSize} of them: index the data with the plate's indices`,
      );
    }
    throw new RangeError(
      `sample site '${name}': ${what} has shape ${fmt(vs)}, with ${vBatch[i]} at dim ${f.dim}, where plate '${f.name}' visits ${f.subsampleSize}` +
        (f.subsampleSize !== f.size ? ` (a subsample of ${f.size})` : ''),
    );
  }
  const batch = [...sampleShape, ...fn.batchShape];
  for (let k = 1; k <= Math.min(vBatch.length, batch.length); k++) {
    const a = vBatch[vBatch.length - k]!;
    const b = batch[batch.length - k]!;
    if (a !== b && a !== 1 && b !== 1) {
      throw new RangeError(
        `sample site '${name}': ${what} has shape ${fmt(vs)}, which does not broadcast against the site's shape ${fmt([...batch, ...event])} ` +
          `(batch shape ${fmt(batch)} after plate expansion, event shape ${fmt(event)}); extra dimensions are allowed only on the left`,
      );
    }
  }
}
