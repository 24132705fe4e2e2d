import * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { tracedLogDensity } from '../../src/index.js';
import { logDensity } from '@probdl/model';
import { hostLogDensityAndGrad } from '../../src/internal/host-gradient.js';
import { traceOf } from '../../src/internal/traced-log-density.js';
import { paddingStep } from '../../src/kernels/nuts/chain-scheduler.js';
import { sample } from '../../src/run/index.js';
import { IDENTITY_DATA, reluNetworkLogDensity } from '../models/bnn.js';
import { normalModel, Y } from './fixtures/normal-model.js';

// Replaying the gradient's recorded kernels must not change a single draw: the same kernels run
// on the same inputs, and the padding rows of a replayed batch are never read.

const bnn = reluNetworkLogDensity(IDENTITY_DATA);

describe('traced gradients in lockstep NUTS', () => {
  it('pads batches of C chains to multiples of a power of two, at most 16 sizes', () => {
    expect([1, 4, 15, 16, 31, 32, 64, 100, 1024, 4096].map(paddingStep)).toEqual([1, 1, 1, 1, 1, 2, 4, 4, 64, 256]);
  });

  it('gives the draws and statistics of the untraced run bit for bit, and frees what it recorded', async () => {
    const C = 48;
    const initialPosition = random.uniform(key(11), [C, 4], { minval: -1, maxval: 1 });
    const before = tf.memory().numTensors;
    const run = (traceGradient: boolean) =>
      sample(key(5), { logDensityFn: bnn, initialPosition, independentRows: true }, { numChains: C, numWarmup: 30, numSamples: 20, maxTreeDepth: 5, traceGradient });
    const traced = await run(true);
    const plain = await run(false);
    expect(Array.from(traced.unconstrained.x!.values)).toEqual(Array.from(plain.unconstrained.x!.values));
    expect(Array.from(traced.stats.numIntegrationSteps)).toEqual(Array.from(plain.stats.numIntegrationSteps));
    expect(Array.from(traced.stats.energy)).toEqual(Array.from(plain.stats.energy));
    expect(traced.gradientEvaluations).toBe(plain.gradientEvaluations);
    expect(tf.memory().numTensors).toBe(before);
    initialPosition.dispose();
  });

  it('gives the same draws for a @probdl/model target (its log density, distributions and plates)', async () => {
    const y = tf.tensor1d(Y);
    const before = tf.memory().numTensors;
    // 40 chains: batches are padded to even sizes.
    const run = (traceGradient: boolean) => sample(key(9), { model: normalModel, args: [y] }, { numChains: 40, numWarmup: 20, numSamples: 15, maxTreeDepth: 4, traceGradient });
    const traced = await run(true);
    const plain = await run(false);
    for (const name of ['mu', 'tau']) expect(Array.from(traced.draws[name]!.values)).toEqual(Array.from(plain.draws[name]!.values));
    expect(Array.from(traced.stats.numIntegrationSteps)).toEqual(Array.from(plain.stats.numIntegrationSteps));
    expect(tf.memory().numTensors).toBe(before);
    // And the model's density is replayed, not declined.
    const ld = logDensity(normalModel, [y]);
    const wrapped = tracedLogDensity(ld.logDensityFn);
    await hostLogDensityAndGrad(wrapped.logDensityFn, new Float32Array([0.5, 0.1, 1, -0.2]), 2, 2);
    expect(traceOf(wrapped.logDensityFn)!.unreplayableReason).toBeUndefined();
    expect(traceOf(wrapped.logDensityFn)!.numPrograms).toBe(1);
    wrapped.dispose();
    ld.dispose();
    y.dispose();
  });

  it('rejects a non-boolean traceGradient, naming the option', async () => {
    const initialPosition = tf.zeros([2, 4]);
    await expect(sample(key(1), { logDensityFn: bnn, initialPosition }, { traceGradient: 1 as never })).rejects.toThrow(/options.traceGradient must be a boolean/);
    initialPosition.dispose();
  });
});

describe('tracedLogDensity', () => {
  it('evaluates like the function itself (this file runs on cpu and wasm, where it replays) and frees its programs', async () => {
    const before = tf.memory().numTensors;
    const traced = tracedLogDensity(bnn);
    const x = tf.tensor2d([0.5, -1, 2, 0.1, -0.3, 0.7, 1.5, -2], [2, 4]);
    const [a, b] = [traced.logDensityFn(x), bnn(x)];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    const position = Float32Array.from({ length: 12 * 4 }, (_, i) => Math.cos(i * 0.7) * 2);
    for (let round = 0; round < 3; round++) {
      const got = await hostLogDensityAndGrad(traced.logDensityFn, position, 12, 4);
      const want = await hostLogDensityAndGrad(bnn, position, 12, 4);
      expect(Array.from(got.logDensity)).toEqual(Array.from(want.logDensity));
      expect(Array.from(got.grad)).toEqual(Array.from(want.grad));
      position[round] = position[round]! + 0.25;
    }
    x.dispose();
    traced.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a bad argument', () => {
    expect(() => tracedLogDensity('f' as never)).toThrow(/tracedLogDensity: logDensityFn must be a function/);
  });
});
