import * as tf from '@tensorflow/tfjs-core';
import { Categorical, MixtureSameFamily, type Distribution } from '@probdl/distributions';
import { checkCount, checkFeatures, fmtShape, ownTensors, resolveValidate } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/** Options of {@link mixtureSameFamily}. */
export interface MixtureSameFamilyOptions extends HeadOptions {
  /** The head's `kind` (default 'MixtureSameFamily'; {@link mixtureNormal} names itself). */
  readonly kind?: string;
}

function checkComponentHead(fn: string, head: Head): void {
  if (typeof head !== 'object' || head === null || typeof head.apply !== 'function' || !Number.isInteger(head.paramsSize) || head.paramsSize <= 0) {
    throw new TypeError(`${fn}: argument 'componentHead' must be a head with an integer paramsSize (e.g. independentNormal([1]))`);
  }
}

/**
 * TFP's `MixtureSameFamily` layer: a mixture of K distributions from any head. Features
 * `[...batch, K + K·c]` (c = componentHead.paramsSize) are laid out as TFP lays them out: the K
 * mixture logits first, then K blocks of c component features (component-major), each block read by
 * `componentHead` as features of batch shape `[...batch, K]`. Returns
 * `MixtureSameFamily(Categorical(logits), components)` with batch shape `batch` and the component
 * head's event shape. `mixtureSameFamily.paramsSize(K, componentHead)` gives K + K·c.
 */
export function mixtureSameFamily<D extends Distribution>(
  numComponents: number,
  componentHead: Head<D>,
  options: MixtureSameFamilyOptions = {},
): Head<MixtureSameFamily> {
  const k = checkCount('mixtureSameFamily', 'numComponents', numComponents);
  checkComponentHead('mixtureSameFamily', componentHead);
  const c = componentHead.paramsSize;
  const size = k + k * c;
  const kind = options.kind ?? 'MixtureSameFamily';
  const fnName = kind.charAt(0).toLowerCase() + kind.slice(1);
  const label = `${fnName}(${k}, ${componentHead.kind}${fmtShape(componentHead.eventShape)})`;
  return {
    kind,
    eventShape: [...componentHead.eventShape],
    paramsSize: size,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): MixtureSameFamily {
      const batch = checkFeatures(label, features, size);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const [logits, componentFeatures] = tf.tidy(() => {
        const [l, rest] = tf.split(features, [k, k * c], -1) as [tf.Tensor, tf.Tensor];
        return [l, tf.reshape(rest, [...batch, k, c])];
      });
      let components: D | undefined;
      let mixing: Categorical | undefined;
      try {
        components = componentHead.apply(componentFeatures, { validateArgs });
        mixing = new Categorical({ logits, validateArgs });
        const dist = new MixtureSameFamily({ mixtureDistribution: mixing, componentsDistribution: components, validateArgs });
        // componentFeatures too: a distributionLambda component may reference its features.
        return ownTensors(dist, [logits, componentFeatures]);
      } catch (e) {
        components?.dispose();
        mixing?.dispose();
        tf.dispose([logits, componentFeatures]);
        throw e;
      }
    },
  };
}
mixtureSameFamily.paramsSize = (numComponents: number, componentHead: Head | number): number => {
  const k = checkCount('mixtureSameFamily.paramsSize', 'numComponents', numComponents);
  const c = typeof componentHead === 'number' ? checkCount('mixtureSameFamily.paramsSize', 'componentHead', componentHead) : componentHead.paramsSize;
  return k + k * c;
};
