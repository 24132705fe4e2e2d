import * as tf from '@tensorflow/tfjs-core';
import { key, tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/dense/index.js';
import { batchNorm, mlp, sequential } from '../../src/layers/index.js';
import { independentNormal, mixtureNormal, probabilisticMlp, withHead } from '../../src/heads/index.js';
import { negativeLogLikelihood } from '../../src/losses/index.js';

describe('withHead and probabilisticMlp', () => {
  it('probabilisticMlp builds mlp([...hidden, paramsSize]) whose params are the body params', () => {
    const model = probabilisticMlp([8, 6], mixtureNormal(3, [1]), { activation: 'tanh' });
    expect(model.kind).toBe('Probabilistic');
    expect(model.eventShape).toEqual([1]);
    const params = model.init(key(0), [2]) as Record<string, { kernel: tf.Tensor }>;
    expect(Object.keys(params)).toEqual(['Dense_0', 'Dense_1', 'Dense_2']);
    expect(params.Dense_2!.kernel.shape).toEqual([6, mixtureNormal.paramsSize(3, [1])]);
    const x = tf.ones([4, 5, 2]);
    const d = model.apply(params, x);
    expect(d.batchShape).toEqual([4, 5]);
    expect(d.eventShape).toEqual([1]);
    d.dispose();
    tf.dispose([x, tree.leaves(params as Tree)]);
  });

  it('withHead.init checks the body output size against head.paramsSize', () => {
    const model = withHead(mlp([4, 3]), independentNormal([2]));
    expect(() => model.init(key(0), [5])).toThrow(
      "withHead(MLP, IndependentNormal).init: the body's output has shape [3] for input shape [5], but the head IndependentNormal reads 4 features (its paramsSize); make the body's last layer 4 units wide",
    );
  });

  it('gradients of the NLL flow to every body parameter, with no leaks', async () => {
    const model = probabilisticMlp([5], mixtureNormal(2, [1]));
    const params = model.init(key(1), [1]);
    const x = tf.tensor2d([[0.1], [0.5], [0.9]]);
    const y = tf.tensor2d([[0.3], [1.2], [2.0]]);
    const before = tf.memory().numTensors;
    const [loss, grads] = valueAndGrad((p: Tree) => {
      const d = model.apply(p, x);
      const nll = negativeLogLikelihood(d, y);
      d.dispose();
      return nll;
    })(params);
    const leaves = tree.leaves(grads);
    expect(leaves).toHaveLength(4);
    for (const g of leaves) expect(Array.from(await (g as tf.Tensor).data()).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(await loss.data().then((v) => v[0]!))).toBe(true);
    tf.dispose([loss, leaves]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, tree.leaves(params)]);
  });

  it('apply and dispose leak nothing; the distribution owns the body output', () => {
    const model = probabilisticMlp([4], independentNormal([1]));
    const params = model.init(key(2), [3]);
    const x = tf.ones([2, 3]);
    const y = tf.zeros([2, 1]);
    const before = tf.memory().numTensors;
    const d = model.apply(params, x);
    const lp = d.logProb(y);
    lp.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, tree.leaves(params)]);
  });

  it('init leaks nothing beyond the params it returns', () => {
    const model = probabilisticMlp([4], independentNormal([1]));
    const before = tf.memory().numTensors;
    const params = model.init(key(3), [3]);
    const n = tree.leaves(params).length;
    expect(tf.memory().numTensors).toBe(before + n);
    tf.dispose(tree.leaves(params));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes a stateful body through (initState / applyWithState)', () => {
    const model = withHead(sequential([dense(4), batchNorm(), dense(2)]), independentNormal([1]));
    expect(typeof model.initState).toBe('function');
    const params = model.init(key(4), [3]);
    const state = model.initState!([3]);
    const x = tf.ones([5, 3]);
    const before = tf.memory().numTensors;
    const { distribution, state: next } = model.applyWithState!(params, x, { state, training: true });
    expect(distribution.batchShape).toEqual([5]);
    distribution.dispose();
    tf.dispose(tree.leaves(next));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, tree.leaves(params), tree.leaves(state)]);
  });

  it('rejects arguments that are not a module or a head', () => {
    expect(() => withHead({} as never, independentNormal())).toThrow(/withHead: argument 'body'/);
    expect(() => withHead(mlp([2]), {} as never)).toThrow(/withHead: argument 'head'/);
  });
});
