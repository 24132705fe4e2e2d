import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import * as h from '../../src/heads/index.js';
import { values } from './host.js';

const heads: [string, h.Head][] = [
  ['independentNormal', h.independentNormal([2, 2])],
  ['independentBernoulli', h.independentBernoulli([3])],
  ['independentPoisson', h.independentPoisson([2])],
  ['categorical', h.categorical(4)],
  ['multivariateNormalTriL', h.multivariateNormalTriL(3)],
  ['mixtureNormal', h.mixtureNormal(3, [1])],
  ['mixtureSameFamily', h.mixtureSameFamily(2, h.multivariateNormalTriL(2))],
  ['distributionLambda', h.distributionLambda((f) => new Normal({ loc: tf.sum(f, -1), scale: tf.exp(tf.mean(f, -1)) }), { paramsSize: 3, eventShape: [] })],
];

describe('no leaks', () => {
  for (const [name, head] of heads) {
    it(`${name}: apply + logProb + sample + dispose`, () => {
      const f = tf.tensor(Float32Array.from(values(2 * 3 * head.paramsSize)), [2, 3, head.paramsSize]);
      const before = tf.memory().numTensors;
      const d = head.apply(f);
      const s = d.sample(key(0));
      tf.dispose([s, d.logProb(s)]);
      d.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // Inside a tidy, everything goes with the scope even without dispose().
      tf.tidy(() => {
        const d2 = head.apply(f, { validateArgs: true });
        d2.logProb(d2.sample(key(1)));
      });
      expect(tf.memory().numTensors).toBe(before);
      f.dispose();
    });
  }

  it('a head whose construction fails (validateArgs) frees what it made', () => {
    const head = h.distributionLambda((f) => new Normal({ loc: 0, scale: tf.sub(tf.sum(f), 10), validateArgs: true }), { paramsSize: 2, eventShape: [] });
    const f = tf.zeros([2]);
    const before = tf.memory().numTensors;
    expect(() => head.apply(f)).toThrow(/scale/);
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('a features-width error allocates nothing', () => {
    const f = tf.zeros([2, 7]);
    const before = tf.memory().numTensors;
    for (const [, head] of heads) expect(() => head.apply(f)).toThrow(/paramsSize/);
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });
});
