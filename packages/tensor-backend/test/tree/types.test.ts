import * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { grad, valueAndGrad } from '../../src/autodiff/index.js';
import { dispose, flatten, map, ravel, unflatten, zerosLike, type Leaf, type LeafOf, type Tree, type TreeDef } from '../../src/tree/index.js';

// Compile-time checks (tsc): interfaces, type aliases and the general Tree type all work as trees.
interface Params {
  w: tf.Tensor2D;
  b: tf.Tensor1D;
  layers: { scale: tf.Tensor }[];
}

describe('tree types', () => {
  it('infer leaves, results and treedefs from interfaces and from Tree', () => {
    expectTypeOf<LeafOf<Params>>().toEqualTypeOf<tf.Tensor2D | tf.Tensor1D | tf.Tensor>();
    expectTypeOf<LeafOf<Tree>>().toEqualTypeOf<Leaf>();
    expectTypeOf<LeafOf<{ count: number; mu: tf.Tensor }>>().toEqualTypeOf<number | tf.Tensor>();
    const p: Params = { w: tf.zeros([2, 2]), b: tf.zeros([2]), layers: [{ scale: tf.ones([]) }] };
    const doubled = map((x) => tf.mul(x, 2), p);
    expectTypeOf(doubled.layers[0]!.scale).toEqualTypeOf<tf.Tensor>();
    const summed = map((x, y) => tf.add(x, y), p, zerosLike(p));
    expectTypeOf(summed.w).toEqualTypeOf<tf.Tensor>();
    const { leaves, treedef } = flatten(p);
    expectTypeOf(treedef).toEqualTypeOf<TreeDef<Params>>();
    expectTypeOf(unflatten(treedef, leaves)).toEqualTypeOf<Params>();
    const r = ravel(p);
    expectTypeOf(r.unravel(r.flat)).toEqualTypeOf<Params>();
    const [value, g] = valueAndGrad((q: Params, x: tf.Tensor) => tf.sum(tf.mul(q.b, x)))(p, tf.ones([2]));
    expectTypeOf(value).toEqualTypeOf<tf.Scalar>();
    expectTypeOf(g).toEqualTypeOf<Params>();
    const [ga, aux] = grad((q: Params) => [tf.sum(q.b), { n: 1 }] as const, { hasAux: true })(p);
    expectTypeOf(ga).toEqualTypeOf<Params>();
    expectTypeOf(aux).toEqualTypeOf<{ readonly n: 1 }>();
    const t = { a: [1, null, tf.scalar(1)] } as Tree;
    expectTypeOf(map((x) => x, t)).toEqualTypeOf<Tree>();
    dispose([p, doubled, summed, r, value, g, ga, t]);
  });
});
