import * as tf from '@tensorflow/tfjs-core';
import type { Site, Trace } from './types.js';


/** A site's log density with its mask and scale applied, not yet summed. Sites without one give undefined. */
export function siteLogProb(site: Site): tf.Tensor | undefined {
  if (site.type !== 'sample' && site.type !== 'factor') return undefined;
  return tf.tidy(() => {
    let lp = site.type === 'factor' ? site.value : site.fn!.logProb(site.value);
    if (site.mask === false) return tf.zerosLike(lp);
    if (site.mask instanceof tf.Tensor) {
      let shape: number[];
      try {
        shape = tf.broadcast_util.assertAndGetBroadcastShape(site.mask.shape, lp.shape);
      } catch {
        throw new RangeError(
          `site '${site.name}': the mask of shape [${site.mask.shape.join(', ')}] does not broadcast against its log density of shape [${lp.shape.join(', ')}]`,
        );
      }
      const m = tf.broadcastTo(site.mask, shape);
      lp = tf.where(m, tf.broadcastTo(lp, m.shape), tf.zeros(m.shape));
    }
    return site.scale === 1 ? lp.clone() : tf.mul(lp, site.scale);
  });
}

/**
 * Sums a site log density to the batch of positions: all dimensions after the first
 * `batchNdims` are summed. The batch rule: a site whose log density has fewer dimensions than
 * `batchNdims` does not depend on the position and broadcasts; one whose leading dimensions are
 * neither the batch nor 1 means the model did not broadcast over the leading batch axis of its
 * latent values, which is an error naming the site.
 */
export function reduceToBatch(name: string, lp: tf.Tensor, batchShape: readonly number[]): tf.Tensor {
  const n = batchShape.length;
  return tf.tidy(() => {
    if (n === 0) return tf.sum(lp);
    if (lp.rank < n) return tf.broadcastTo(tf.sum(lp), [...batchShape]);
    for (let i = 0; i < n; i++) {
      if (lp.shape[i] !== batchShape[i] && lp.shape[i] !== 1) {
        throw new RangeError(
          `site '${name}': its log density has shape [${lp.shape.join(', ')}], which does not start with the position batch [${batchShape.join(', ')}]; ` +
            'a model run on a batch of positions must broadcast over the leading batch axis of its latent values',
        );
      }
    }
    const axes = Array.from({ length: lp.rank - n }, (_, i) => i + n);
    const summed = axes.length > 0 ? tf.sum(lp, axes) : lp;
    return tf.broadcastTo(summed, [...batchShape]).clone();
  });
}

/** The joint log density of a trace: the sum over its sample and factor sites, kept per batch entry. */
export function traceLogProb(trace: Trace, batchShape: readonly number[] = []): tf.Tensor {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.zeros([...batchShape]);
    for (const site of trace.values()) {
      const lp = siteLogProb(site);
      if (lp) total = tf.add(total, reduceToBatch(site.name, lp, batchShape));
    }
    return total;
  });
}
