import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { mclachlan } from '../../src/integrators/mclachlan.js';
import { nuts, type NutsOptions } from '../../src/kernels/nuts/nuts.js';
import type { HmcState } from '../../src/types.js';
import { disposeState } from './helpers.js';

// The host trajectory (float64 bookkeeping in JavaScript, the default) against the device one
// (tensors and masks, float32): same keys, so the same momenta, directions and uniforms. Both run
// the same algorithm, so every chain must take the same number of steps to the same depth, with
// the same divergences, and land on the same point up to float32 rounding.
const scales = [0.5, 1, 2, 1, 0.8];
const quartic = (x: tf.Tensor) =>
  tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.div(x, tf.tensor1d(scales))), -1)), tf.mul(0.05, tf.sum(tf.pow(x, 4), -1))));

async function compare(opts: NutsOptions, inverseMassMatrix: tf.Tensor, stepSize: Float64Array, transitions: number): Promise<number> {
  const C = stepSize.length;
  const host = nuts({ ...opts, trajectory: 'host' });
  const device = nuts({ ...opts, trajectory: 'device' });
  let a: HmcState = host.init(random.normal(key(61), [C, 5]), quartic);
  let b: HmcState = device.init(a.position, quartic);
  let k = key(62);
  let maxDepth = 0;
  for (let t = 0; t < transitions; t++) {
    const [k1, k2] = split(k);
    k = k1!;
    const [na, ia] = await host.step(k2!, a, quartic, { stepSize, inverseMassMatrix });
    const [nb, ib] = await device.step(k2!, b, quartic, { stepSize, inverseMassMatrix });
    expect(Array.from(ia.numIntegrationSteps)).toEqual(Array.from(ib.numIntegrationSteps));
    expect(Array.from(ia.treeDepth!)).toEqual(Array.from(ib.treeDepth!));
    expect(Array.from(ia.isDivergent)).toEqual(Array.from(ib.isDivergent));
    for (let c = 0; c < C; c++) {
      expect(ia.acceptanceRate[c]).toBeCloseTo(ib.acceptanceRate[c]!, 4);
      expect(Math.abs(ia.energy[c]! - ib.energy[c]!)).toBeLessThan(1e-3 * (1 + Math.abs(ib.energy[c]!)));
    }
    await expect(na.position).toBeCloseTensor(nb.position, { atol: 1e-4, rtol: 1e-4 });
    await expect(na.logDensityGrad).toBeCloseTensor(nb.logDensityGrad, { atol: 1e-3, rtol: 1e-3 });
    maxDepth = Math.max(maxDepth, ...ia.treeDepth!);
    disposeState(a);
    disposeState(b);
    a = na;
    // Both continue from the same point, so that rounding does not accumulate across transitions.
    b = device.init(na.position, quartic);
    disposeState(nb);
  }
  disposeState(a);
  disposeState(b);
  return maxDepth;
}

describe('nuts host trajectory', () => {
  it('matches the device trajectory with a shared diagonal metric over step sizes that give deep trees', async () => {
    const C = 24;
    const stepSize = Float64Array.from({ length: C }, (_, c) => 0.05 + (c % 8) * 0.1);
    const m = tf.tensor1d([0.3, 1, 3, 1, 0.7]);
    expect(await compare({ maxTreeDepth: 7 }, m, stepSize, 3)).toBeGreaterThanOrEqual(5);
    m.dispose();
  });

  it('matches it with per-chain dense metrics and with McLachlan steps', async () => {
    const C = 8;
    const stepSize = Float64Array.from({ length: C }, (_, c) => 0.2 + c * 0.05);
    const dense = tf.tidy(() => tf.add(tf.diag(tf.tensor1d([0.3, 1, 3, 1, 0.7])), 0.05));
    const perChain = tf.tidy(() => tf.mul(tf.broadcastTo(dense, [C, 5, 5]), tf.reshape(tf.linspace(0.5, 1.5, C), [C, 1, 1])));
    await compare({ maxTreeDepth: 6 }, perChain, stepSize, 2);
    await compare({ maxTreeDepth: 6, integrator: mclachlan }, dense, stepSize, 2);
    tf.dispose([dense, perChain]);
  });

  it('rejects an unknown trajectory option by name', () => {
    expect(() => nuts({ trajectory: 'gpu' as 'host' })).toThrow(/trajectory/);
  });
});
