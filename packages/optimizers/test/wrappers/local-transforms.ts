// Small transformations written for the wrapper and checkpoint tests, so that those tests do not
// depend on src/transforms. Each follows its published rule literally.
import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, ScalarOrSchedule } from '../../src/types.js';

const value = (lr: ScalarOrSchedule, count: tf.Scalar): tf.Scalar => (typeof lr === 'number' ? tf.scalar(lr) : lr(count));
const tidy2 = <S>(f: () => [Tree, S]): [Tree, S] => tf.tidy(f as never) as unknown as [Tree, S];

/** SGD: u = -(lr(count) * g); state { count }. */
export function localSgd(lr: ScalarOrSchedule): GradientTransformation {
  return {
    init: () => ({ count: tf.scalar(0, 'int32') }),
    update: (g, state) =>
      tidy2(() => {
        const count = (state as { count: tf.Scalar }).count;
        const l = value(lr, count);
        return [tree.map((x: tf.Tensor) => tf.neg(tf.mul(l, x)), g as never) as Tree, { count: tf.add(count, tf.scalar(1, 'int32')) }];
      }),
  };
}

/** Heavy-ball momentum: trace = beta * trace + g; u = -(lr * trace); state { trace }. */
export function localMomentum(lr: number, beta: ScalarOrSchedule): GradientTransformation {
  return {
    init: (p) => ({ trace: tree.zerosLike(p as never) as Tree }),
    update: (g, state) =>
      tidy2(() => {
        const b = value(beta, tf.scalar(0, 'int32'));
        const trace = tree.map((t: tf.Tensor, x: tf.Tensor) => tf.add(tf.mul(b, t), x), (state as { trace: Tree }).trace as never, g as never) as Tree;
        return [tree.map((t: tf.Tensor) => tf.neg(tf.mul(lr, t)), trace as never) as Tree, { trace: tree.clone(trace as never) }];
      }),
  };
}

/** Adam (Kingma & Ba, Algorithm 1) with learning rate lr(count): state { count, mu, nu }. */
export function localAdam(lr: ScalarOrSchedule, b1 = 0.9, b2 = 0.999, eps = 1e-8): GradientTransformation {
  return {
    init: (p) => ({ count: tf.scalar(0, 'int32'), mu: tree.zerosLike(p as never) as Tree, nu: tree.zerosLike(p as never) as Tree }),
    update: (g, state) =>
      tidy2(() => {
        const s = state as { count: tf.Scalar; mu: Tree; nu: Tree };
        const count = tf.add(s.count, tf.scalar(1, 'int32')) as tf.Scalar;
        const t = tf.cast(count, 'float32');
        const l = value(lr, s.count);
        const mu = tree.map((m: tf.Tensor, x: tf.Tensor) => tf.add(tf.mul(b1, m), tf.mul(1 - b1, x)), s.mu as never, g as never) as Tree;
        const nu = tree.map((v: tf.Tensor, x: tf.Tensor) => tf.add(tf.mul(b2, v), tf.mul(1 - b2, tf.square(x))), s.nu as never, g as never) as Tree;
        const c1 = tf.sub(1, tf.pow(tf.scalar(b1), t));
        const c2 = tf.sub(1, tf.pow(tf.scalar(b2), t));
        const u = tree.map(
          (m: tf.Tensor, v: tf.Tensor) => tf.neg(tf.mul(l, tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps)))),
          mu as never,
          nu as never,
        ) as Tree;
        return [u, { count, mu, nu }];
      }),
  };
}

/** Host float64 Adam on a flat vector: returns the update for gradient g and advances the state. */
export class HostAdam {
  private m: number[];
  private v: number[];
  private t = 0;
  constructor(
    n: number,
    private readonly lr: number,
    private readonly b1 = 0.9,
    private readonly b2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Array<number>(n).fill(0);
    this.v = new Array<number>(n).fill(0);
  }
  step(g: readonly number[]): number[] {
    this.t += 1;
    this.m = this.m.map((m, i) => this.b1 * m + (1 - this.b1) * g[i]!);
    this.v = this.v.map((v, i) => this.b2 * v + (1 - this.b2) * g[i]! ** 2);
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    return this.m.map((m, i) => -this.lr * (m / c1 / (Math.sqrt(this.v[i]! / c2) + this.eps)));
  }
}
