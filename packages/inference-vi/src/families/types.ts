import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';

/**
 * A variational family q_φ over a flat vector z of length D: a pure object whose parameters φ are a
 * pytree of float32 tensors (so optimizers, `valueAndGrad` and `tree` utilities see them directly).
 *
 * Every method returns fresh tensors the caller owns and never disposes its inputs. A distribution
 * from {@link VariationalFamily.distribution} references the parameter tensors (gradients flow to
 * them) and may hold derived tensors (a scale matrix): call `dispose()` on it, or build it inside
 * `tf.tidy`.
 *
 * Reparameterisation is explicit: `z = fromNoise(φ, ε)` maps base draws ε of shape
 * `[S, noiseSize(φ)]` (independent standard normals) to samples `[S, D]` distributed as q_φ and
 * differentiable in φ. That lets the ELBO take injected noise (for reproducing a reference run) and
 * lets every estimator share one draw.
 */
export interface VariationalFamily<P extends Tree = Tree> {
  /** The family's name, used in error messages. */
  readonly name: string;
  /** Whether `fromNoise` is differentiable in the parameters (the reparameterisation trick applies). */
  readonly reparameterized: boolean;
  /** Initial parameters for a D-dimensional target, drawn from `key` where the family is random. */
  init(key: PRNGKey, dim: number): P;
  /** q_φ as a `@probdl/distributions` Distribution with batch shape `[]` and event shape `[D]`. */
  distribution(params: P): Distribution;
  /** D, the dimension of z, read from the parameter shapes. */
  dim(params: P): number;
  /** The number of standard-normal base draws one sample consumes (D for most families). */
  noiseSize(params: P): number;
  /**
   * Samples `[S, D]` from base draws `eps` `[S, noiseSize]`, differentiable in the parameters. A family
   * with `reparameterized: false` may throw here: the score-function estimator then draws from
   * `distribution(params).sample(key, [S])` instead (and the other estimators refuse such a family).
   */
  fromNoise(params: P, eps: tf.Tensor): tf.Tensor;
  /**
   * Samples and their log density in one pass, `[[S, D], [S]]`, where the family can do it more
   * cheaply or more exactly than `distribution(params).logProb(fromNoise(params, eps))` (flows:
   * log N(ε) minus the forward log-determinant, no inversion). Optional.
   */
  fromNoiseWithLogProb?(params: P, eps: tf.Tensor): [tf.Tensor, tf.Tensor];
  /** The entropy H[q_φ] as a scalar, where it has a closed form; absent otherwise. */
  entropy?(params: P): tf.Tensor;
}
