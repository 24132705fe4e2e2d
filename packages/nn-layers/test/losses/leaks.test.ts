import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { describe, expect, it } from 'vitest';
import * as losses from '../../src/losses/index.js';

describe('losses leak nothing', () => {
  const reductions: losses.Reduction[] = ['mean', 'sum', 'none'];
  it('for every loss and reduction (the result is the only new tensor), int inputs included', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const b = tf.tensor2d([[0, 1, 0], [1, 0, 1]]);
    const bInt = tf.tensor2d([[0, 1, 0], [1, 0, 1]], [2, 3], 'int32');
    const labels = tf.tensor1d([2, 0], 'int32');
    const d = new Normal({ loc: tf.zeros([2, 3]), scale: 1 });
    const before = tf.memory().numTensors;
    for (const reduction of reductions) {
      const outs = [
        losses.meanSquaredError(a, b, { reduction }),
        losses.meanAbsoluteError(a, bInt, { reduction }),
        losses.sigmoidBinaryCrossEntropy(a, bInt, { reduction }),
        losses.softmaxCrossEntropy(a, b, { reduction }),
        losses.softmaxCrossEntropyWithIntegerLabels(a, labels, { reduction }),
        losses.negativeLogLikelihood(d, a, { reduction }),
      ];
      expect(tf.memory().numTensors).toBe(before + outs.length);
      tf.dispose(outs);
      expect(tf.memory().numTensors).toBe(before);
    }
    // Errors allocate nothing.
    expect(() => losses.meanSquaredError(a, labels)).toThrow();
    expect(() => losses.negativeLogLikelihood(d, labels)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, bInt, labels, (d as Normal).loc]);
    d.dispose();
  });
});
