import * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { findReasonableStepSize } from '../../src/adaptation/find-reasonable-step-size.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import { euclideanMetric } from '../../src/metrics/euclidean.js';

// Standard normal in 5-D scaled by 0.1 in every coordinate: the step size where one leapfrog step's
// acceptance crosses 0.8 scales with 0.1 (about 0.1–0.3 here).
const logp = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(tf.div(x, 0.1)), -1));

describe('findReasonableStepSize', () => {
  it('doubles or halves each chain (in lockstep) until the acceptance crosses the target', async () => {
    const position = tf.mul(random.normal(key(0), [3, 5]), 0.1);
    const state = stateAt(logp, position);
    const metric = euclideanMetric(tf.ones([5]));
    const eps = await findReasonableStepSize(key(1), state, logp, metric, { initialStepSize: new Float64Array([1e-4, 0.1, 1000]) });
    for (let i = 0; i < 3; i++) {
      expect(eps[i]).toBeGreaterThan(0.02);
      expect(eps[i]).toBeLessThan(1);
    }
    // Powers of two of the start.
    expect(Math.log2(eps[0]! / 1e-4) % 1).toBeCloseTo(0, 10);
    expect(Math.log2(eps[2]! / 1000) % 1).toBeCloseTo(0, 10);
    // The same for the tenfold scale: the answer scales with the target's width.
    const wide = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(x), -1));
    const wideState = stateAt(wide, tf.mul(position, 10));
    const epsWide = await findReasonableStepSize(key(1), wideState, wide, metric, { initialStepSize: 1e-3 });
    for (const e of epsWide) {
      expect(e).toBeGreaterThan(0.2);
      expect(e).toBeLessThan(10);
    }
    tf.dispose([position, state.position, state.logDensity, state.logDensityGrad, wideState.position, wideState.logDensity, wideState.logDensityGrad, metric.inverseMassMatrix]);
    metric.dispose();
  });

  it('does not leak tensors', async () => {
    const position = random.normal(key(2), [2, 3]);
    const state = stateAt(logp, position);
    const inv = tf.ones([3]);
    const metric = euclideanMetric(inv);
    await expectNoLeaks(() => findReasonableStepSize(key(3), state, logp, metric));
    await expect(findReasonableStepSize(key(3), state, logp, metric, { targetAcceptance: 2 })).rejects.toThrow(/targetAcceptance/);
    metric.dispose();
    tf.dispose([position, inv, state.position, state.logDensity, state.logDensityGrad]);
  });
});
