import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, softmax, split, type PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution, NotDefinedError, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, normalizeSampleShape, sameShape, type TensorInput } from '../internal/params.js';
import { mixingCategories, mixtureLogSumExp, mixtureMean, mixtureVariance, selectComponents, type MixingDistribution } from './mixture-same-family.js';

/** Parameters of {@link Mixture}. */
export interface MixtureParams extends DistributionOptions {
  /** The mixture weights: a categorical over K = components.length categories. */
  readonly cat: MixingDistribution;
  /** K distributions (of any families) with the same batch shape and the same event shape. */
  readonly components: readonly Distribution[];
}

/**
 * A mixture of a list of distributions (TFP's `Mixture`): p(x) = Σ_k w_k p_k(x), the weights from
 * `cat` (a `Categorical` over K) and `components[k]` of any family, all with the same batch and event
 * shapes. Same formulas as {@link MixtureSameFamily}: a logSumExp `logProb`, a sample that draws an
 * index and keeps that component's draw (`reparameterized` false: no gradient to the weights),
 * `mean`, `variance` (law of total variance), and for scalar events `cdf`, `logCdf`, `survival`,
 * `logSurvival`; `entropy` and `mode` throw `NotDefinedError`.
 *
 * `dispose()` also disposes `cat` and every component (each frees only the tensors it created itself).
 */
export class Mixture extends Distribution {
  readonly name: string = 'Mixture';
  readonly cat: MixingDistribution;
  readonly components: readonly Distribution[];
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = false;

  constructor(params: MixtureParams) {
    super(params);
    const k = mixingCategories(this.name, 'cat', params.cat);
    const comps = params.components;
    if (!Array.isArray(comps) || comps.length === 0) throw new TypeError(`${this.name}: argument 'components' must be a non-empty array of distributions`);
    if (comps.length !== k) throw new RangeError(`${this.name}: argument 'components' has ${comps.length} distributions but 'cat' has ${k} categories`);
    const first = comps[0]!;
    comps.forEach((c, i) => {
      if (!(c instanceof Distribution)) throw new TypeError(`${this.name}: argument 'components[${i}]' must be a Distribution`);
      if (!sameShape(c.batchShape, first.batchShape)) {
        throw new RangeError(`${this.name}: argument 'components[${i}]' has batch shape [${c.batchShape.join(', ')}], components[0] has [${first.batchShape.join(', ')}]`);
      }
      if (!sameShape(c.eventShape, first.eventShape)) {
        throw new RangeError(`${this.name}: argument 'components[${i}]' has event shape [${c.eventShape.join(', ')}], components[0] has [${first.eventShape.join(', ')}]`);
      }
    });
    this.batchShape = broadcastShapes(this.name, { cat: params.cat.batchShape, components: first.batchShape });
    this.eventShape = [...first.eventShape];
    this.cat = params.cat;
    this.components = [...comps];
  }

  /** The support of components[0] (the components are expected to share one). */
  get support(): Constraint {
    return this.components[0]!.support;
  }

  /** `f` of every component stacked along a new last axis K. */
  private stackLast(f: (d: Distribution) => tf.Tensor): tf.Tensor {
    return tf.stack(this.components.map(f), -1);
  }
  /** `f` of every component stacked along a K axis before the event dimensions. */
  private stackBeforeEvent(f: (d: Distribution, i: number) => tf.Tensor): tf.Tensor {
    const parts = this.components.map(f);
    return tf.stack(parts, parts[0]!.rank - this.eventShape.length);
  }

  /** Per-component joint log densities log w_k + log p_k(x), shape `[...broadcast(x batch, batch), K]`. */
  componentLogProbs(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      return tf.add(logSoftmax(this.cat.logits, -1), this.stackLast((d) => d.logProb(xv)));
    });
  }

  /** Responsibilities p(k | x), shape `[..., K]`, summing to one along the last axis. */
  posteriorComponentProbs(x: TensorInput): tf.Tensor {
    return tf.tidy(() => softmax(this.componentLogProbs(x), -1));
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const s = normalizeSampleShape(this.name, sampleShape);
    const keys = split(key, this.components.length + 1);
    return tf.tidy(() => {
      const all = this.stackBeforeEvent((d, i) => d.sample(keys[i + 1]!, s));
      return selectComponents(keys[0]!, this.cat.logits, all, s, this.batchShape, this.eventShape.length);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      return mixtureLogSumExp(this.cat.logits, this.stackLast((d) => d.logProb(xv)));
    });
  }

  private weighted(method: 'cdf' | 'survival', x: TensorInput): tf.Tensor {
    if (this.eventShape.length !== 0) throw new NotDefinedError(this.name, method, 'defined for scalar events only');
    return tf.tidy(() => {
      const xv = this.value(x);
      return tf.sum(tf.mul(softmax(this.cat.logits, -1), this.stackLast((d) => d[method](xv))), -1);
    });
  }
  private logWeighted(method: 'logCdf' | 'logSurvival', x: TensorInput): tf.Tensor {
    if (this.eventShape.length !== 0) throw new NotDefinedError(this.name, method, 'defined for scalar events only');
    return tf.tidy(() => {
      const xv = this.value(x);
      return mixtureLogSumExp(this.cat.logits, this.stackLast((d) => d[method](xv)));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return this.weighted('cdf', x);
  }
  override survival(x: TensorInput): tf.Tensor {
    return this.weighted('survival', x);
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return this.logWeighted('logCdf', x);
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return this.logWeighted('logSurvival', x);
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const m = mixtureMean(this.cat.logits, this.stackBeforeEvent((d) => d.mean()), this.eventShape.length);
      return tf.broadcastTo(m, [...this.batchShape, ...this.eventShape]).clone();
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const er = this.eventShape.length;
      const v = mixtureVariance(this.cat.logits, this.stackBeforeEvent((d) => d.mean()), this.stackBeforeEvent((d) => d.variance()), er);
      return tf.broadcastTo(v, [...this.batchShape, ...this.eventShape]).clone();
    });
  }
  override entropy(): tf.Tensor {
    throw new NotDefinedError(this.name, 'entropy', 'no closed form for a mixture (estimate -mean(logProb(sample)) instead)');
  }
  override async validate(): Promise<this> {
    await this.cat.validate();
    for (const c of this.components) await c.validate();
    return this;
  }
  override dispose(): void {
    this.cat.dispose();
    for (const c of this.components) c.dispose();
    super.dispose();
  }
}
