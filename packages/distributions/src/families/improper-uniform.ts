import * as tf from '@tensorflow/tfjs-core';
import { independent, type KindedConstraint } from '../constraints/constraints.js';
import { bijectTo } from '../constraints/biject-to.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { random, type PRNGKey } from '@probdl/tensor-backend';

/**
 * A flat (improper) prior over a support: log density 0 everywhere inside it, -Infinity outside
 * (NumPyro's `ImproperUniform`). Stan's parameters without a prior statement have exactly this
 * prior; a `<lower=0>` one has the flat prior on (0, inf), which the unconstraining exp map turns
 * into the density exp(x) on the unconstrained line (the log|det J| term the log density adds).
 *
 * There is nothing to draw from. `sample` returns a point of the support made the way
 * `initToUniform` makes one: `bijectTo(support).forward(u)` with u uniform on (-2, 2) in the
 * unconstrained space, so that a prototype run of a model (to learn its site shapes) works.
 */
export class ImproperUniform extends Distribution {
  readonly name: string = 'ImproperUniform';
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = false;
  private readonly supportConstraint: KindedConstraint;

  /**
   * @param base the elementwise support (`real`, `positive`, ...).
   * @param batchShape the batch shape.
   * @param eventShape the event shape (one event is that many elements of `base`).
   */
  constructor(base: KindedConstraint, batchShape: readonly number[] = [], eventShape: readonly number[] = []) {
    super({});
    if (base.eventRank !== 0) throw new RangeError(`ImproperUniform: argument 'base' must be an elementwise constraint, got ${base.name}`);
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.supportConstraint = independent(base, eventShape.length);
  }

  /** The base constraint over the event dimensions. */
  get support(): Constraint {
    return this.supportConstraint;
  }

  /** A point of the support, not a draw (there is no proper distribution): forward(uniform(-2, 2)). */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    const bij = bijectTo(this.supportConstraint);
    try {
      return tf.tidy(() => bij.forward(random.uniform(key, shape, { minval: -2, maxval: 2 })));
    } finally {
      bij.dispose();
    }
  }

  /** 0 inside the support, -Infinity outside; shape `broadcast(x.shape without the event dims, batchShape)`. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const head = xv.shape.slice(0, xv.rank - this.eventShape.length);
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(head, [...this.batchShape]);
      return this.maskOutsideSupport(xv, tf.zeros(shape));
    });
  }
}
