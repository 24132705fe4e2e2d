import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { nuts } from '../../src/kernels/nuts/nuts.js';
import type { HmcState } from '../../src/types.js';
import { disposeState } from './helpers.js';

// `steps` runs chains asynchronously (a chain that finishes a transition starts the next one while
// others are still building their trees), and must give exactly what `step` gives one transition
// at a time in lockstep: chain c's transition t draws from foldIn(keyOf(t), c) either way.
const scales = [0.5, 1, 2, 1, 0.8];
const quartic = (x: tf.Tensor) =>
  tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.div(x, tf.tensor1d(scales))), -1)), tf.mul(0.05, tf.sum(tf.pow(x, 4), -1))));

describe('nuts steps (chains asynchronously)', () => {
  for (const independentRows of [true, false]) {
    it(`equals that many lockstep steps (independentRows: ${String(independentRows)})`, async () => {
      const C = 12;
      const T = 6;
      const kernel = nuts({ maxTreeDepth: 6, independentRows });
      const params = { stepSize: Float64Array.from({ length: C }, (_, c) => 0.1 + 0.07 * c), inverseMassMatrix: tf.tensor1d([0.3, 1, 3, 1, 0.7]) };
      const start = kernel.init(random.normal(key(71), [C, 5]), quartic);
      const base = key(72);
      const keyOf = (t: number) => foldIn(base, t);
      const out = (await kernel.steps!(keyOf, start, quartic, params, T, { keep: (t) => t % 2 === 1 }))!;
      let s: HmcState = kernel.init(start.position, quartic);
      const depths = new Set<number>();
      for (let t = 0; t < T; t++) {
        const [next, info] = await kernel.step(keyOf(t), s, quartic, params);
        disposeState(s);
        s = next;
        expect(Array.from(out.infos[t]!.numIntegrationSteps)).toEqual(Array.from(info.numIntegrationSteps));
        expect(Array.from(out.infos[t]!.treeDepth!)).toEqual(Array.from(info.treeDepth!));
        expect(Array.from(out.infos[t]!.acceptanceRate)).toEqual(Array.from(info.acceptanceRate));
        for (const v of info.treeDepth!) depths.add(v);
        const row = out.draws[t];
        if (t % 2 === 0) expect(row).toBeUndefined();
        else {
          const q = await s.position.data();
          const lp = await s.logDensity.data();
          for (let c = 0; c < C; c++) {
            expect(Array.from(row!.subarray(c * 6, c * 6 + 5))).toEqual(Array.from(q.subarray(c * 5, c * 5 + 5)));
            expect(row![c * 6 + 5]).toBe(lp[c]);
          }
        }
      }
      // The chains' trees differ in depth, so they really ran out of step with each other.
      expect(depths.size).toBeGreaterThanOrEqual(3);
      expect(Array.from(await out.state.position.data())).toEqual(Array.from(await s.position.data()));
      disposeState(s);
      disposeState(out.state);
      disposeState(start);
      params.inverseMassMatrix.dispose();
    });
  }

  it('resolves to undefined when aborted, and leaks nothing either way', async () => {
    const kernel = nuts({ independentRows: true });
    const m = tf.ones([5]);
    const start = kernel.init(tf.zeros([4, 5]), quartic);
    const controller = new AbortController();
    controller.abort();
    expect(await kernel.steps!((t) => key(t), start, quartic, { stepSize: 0.3, inverseMassMatrix: m }, 3, { signal: controller.signal })).toBeUndefined();
    await expectNoLeaks(async () => {
      const out = (await kernel.steps!((t) => key(t), start, quartic, { stepSize: 0.3, inverseMassMatrix: m }, 3))!;
      return out.state;
    });
    disposeState(start);
    m.dispose();
  });

  it('is absent for the device trajectory', () => {
    expect(nuts({ trajectory: 'device' }).steps).toBeUndefined();
  });
});
