import * as tf from '@tensorflow/tfjs-core';
import { Categorical, Independent, Normal, type MixtureSameFamily } from '@probdl/distributions';
import { checkCount, checkEventShape, checkFeatures, checkShift, fmtShape, ownTensors, resolveValidate, sizeOf } from './internal/head-utils.js';
import { MixtureNormalDistribution } from './internal/mixture-normal-distribution.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/** Options of {@link mixtureNormal}. */
export interface MixtureNormalOptions extends HeadOptions {
  /** Added to softplus(x) for each component scale (default 1e-3, as in the MDN tutorial). */
  readonly scaleShift?: number;
}

/**
 * The Mixture Density Network head (TFP's `MixtureNormal`): K Normal components over `eventShape`
 * (diagonal, `Independent(Normal)`). Features `[...batch, K + 2Kn]` (n = prod(eventShape)) in
 * three contiguous blocks: the K mixture logits, the K·n locs, the K·n raw scales (each block
 * component-major: entry k·n + e is component k, event element e); scale = 1e-3 + softplus(raw)
 * as in the tutorial, which keeps a component from collapsing onto one point. Batch shape
 * `batch`, event shape `eventShape`. The result is a `MixtureSameFamily` whose `logProb` takes a
 * short path (a few kernels, for training speed).
 *
 * Layout note: TFP's MixtureNormal (and {@link mixtureSameFamily} of {@link independentNormal},
 * which is the same distribution) interleave per component, [logits, (loc_k, scale_k) for each k];
 * a Dense layer ported from TFP needs its last K·2n output columns permuted accordingly.
 * `mixtureNormal.paramsSize(K, eventShape)` gives K + 2Kn.
 */
export function mixtureNormal(numComponents: number, eventShape: readonly number[] | number = [], options: MixtureNormalOptions = {}): Head<MixtureSameFamily> {
  const k = checkCount('mixtureNormal', 'numComponents', numComponents);
  const event = checkEventShape('mixtureNormal', 'eventShape', eventShape);
  const shift = checkShift('mixtureNormal', 'scaleShift', options.scaleShift ?? 1e-3);
  const n = sizeOf(event);
  const size = k + 2 * k * n;
  const label = `mixtureNormal(${k}, ${fmtShape(event)})`;
  return {
    kind: 'MixtureNormal',
    eventShape: event,
    paramsSize: size,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): MixtureSameFamily {
      const batch = checkFeatures(label, features, size);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const [logits, loc, scale] = tf.tidy(() => {
        // One split of the feature axis into three contiguous blocks; splitting a short inner axis
        // (TFP's per-component [loc, scale] pairs) is ~10× slower on wasm, forward and backward.
        const [l, m, s] = tf.split(features, [k, k * n, k * n], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const shape = [...batch, k, ...event];
        // tfjs's softplus kernel (thresholded, no overflow): one kernel on every backend.
        return [l, tf.reshape(m, shape), tf.add(tf.softplus(tf.reshape(s, shape)), shift)];
      });
      let mixing: Categorical | undefined;
      let components: Independent | undefined;
      try {
        mixing = new Categorical({ logits, validateArgs });
        components = new Independent({ distribution: new Normal({ loc, scale, validateArgs }), reinterpretedBatchNdims: event.length, validateArgs });
        const dist = new MixtureNormalDistribution({ mixtureDistribution: mixing, componentsDistribution: components, validateArgs });
        return ownTensors(dist, [logits, loc, scale]);
      } catch (e) {
        mixing?.dispose();
        components?.dispose();
        tf.dispose([logits, loc, scale]);
        throw e;
      }
    },
  };
}
mixtureNormal.paramsSize = (numComponents: number, eventShape: readonly number[] | number = []): number => {
  const k = checkCount('mixtureNormal.paramsSize', 'numComponents', numComponents);
  return k + 2 * k * sizeOf(checkEventShape('mixtureNormal.paramsSize', 'eventShape', eventShape));
};
