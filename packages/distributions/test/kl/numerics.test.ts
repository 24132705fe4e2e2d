import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expm1MinusX } from '../../src/kl/numerics.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';

describe('expm1MinusX', () => {
  it('matches e^x - 1 - x in float64 on both sides of the series switch', async () => {
    // Inputs are float32 values, so the float64 truth sees the same x; Math.expm1(x) - x loses only
    // 1e-16/|x| relative in float64, far below the float32 tolerance (relative 1e-6).
    const xs = [-30, -2, -0.2, -0.1000001, -0.05, -1e-3, -1e-6, 0, 1e-6, 1e-3, 0.05, 0.0999999, 0.1, 0.5, 3, 20].map(Math.fround);
    const truth = xs.map((x) => Math.expm1(x) - x);
    await expect(expm1MinusX(tf.tensor1d(xs))).toBeCloseTensor(truth, { rtol: 1e-6, atol: 0 });
  });
  it('has the gradient e^x - 1', async () => {
    await expectGradsMatch((p) => tf.sum(expm1MinusX(p.x!)), { x: [-1.5, -0.05, 0.02, 0.3, 2] });
  });
});
