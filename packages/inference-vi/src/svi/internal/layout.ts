import * as tf from '@tensorflow/tfjs-core';
import type { LatentSite, LogDensityModel } from '@probdl/model';

/** Throws unless `target` has the same latent sites (names, blocks) as the layout learnt at init. */
export function checkLayout(fn: string, sites: readonly LatentSite[], target: LogDensityModel): void {
  const got = target.sites;
  for (const s of sites) {
    const t = got.find((g) => g.name === s.name);
    if (t === undefined) throw new Error(`${fn}: latent site '${s.name}' of the guide's layout is not a latent site of the model at these arguments`);
    if (t.offset !== s.offset || t.size !== s.size) {
      throw new RangeError(`${fn}: latent site '${s.name}' has unconstrained size ${t.size} at offset ${t.offset} at these arguments, but ${s.size} at ${s.offset} when the guide was initialised`);
    }
  }
  for (const g of got) {
    if (!sites.some((s) => s.name === g.name)) throw new Error(`${fn}: latent site '${g.name}' of the model is not in the guide's layout (the model's latent sites must not change between steps)`);
  }
}

/** Per-site blocks `{ site: [...unconstrainedShape] }` concatenated into the flat position `[D]`. */
export function joinSites(fn: string, sites: readonly LatentSite[], blocks: Readonly<Record<string, tf.Tensor>>): tf.Tensor {
  return tf.tidy(() => {
    const parts = sites.map((s) => {
      const b = blocks[s.name];
      if (!(b instanceof tf.Tensor)) throw new RangeError(`${fn}: params have no tensor for latent site '${s.name}'`);
      if (b.size !== s.size) throw new RangeError(`${fn}: params for site '${s.name}' have ${b.size} entries, expected ${s.size} (shape [${s.unconstrainedShape.join(', ')}])`);
      return tf.reshape(b, [s.size]);
    });
    for (const name of Object.keys(blocks)) {
      if (!sites.some((s) => s.name === name)) throw new RangeError(`${fn}: unknown site '${name}' in params (the model's latent sites are ${sites.map((s) => `'${s.name}'`).join(', ')})`);
    }
    return parts.length === 0 ? tf.zeros([0]) : tf.concat(parts);
  });
}

/** The flat `[D]` split into per-site blocks of their unconstrained shapes (fresh tensors). */
export function splitSites(sites: readonly LatentSite[], flat: tf.Tensor): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const s of sites) out[s.name] = tf.reshape(tf.slice(flat, [s.offset], [s.size]), s.unconstrainedShape);
    return out;
  });
}
