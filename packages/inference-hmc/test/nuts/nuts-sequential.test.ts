import * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { nuts } from '../../src/kernels/nuts/nuts.js';
import { disposeState, effectiveSampleSize, runChain } from './helpers.js';

it('one chain of 2,000 draws from a 10-D standard normal has mean 0 and variance 1 within MC error (ESS)', async () => {
  const D = 10;
  const N = 2000;
  const logp = (x: tf.Tensor) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x), -1)));
  const kernel = nuts();
  const inverseMassMatrix = tf.ones([D]);
  const start = kernel.init(random.normal(key(61), [1, D]), logp);
  const draws = new Float64Array(N * D);
  let n = 0;
  const { state, infos } = await runChain(kernel, key(62), start, logp, { stepSize: 0.9, inverseMassMatrix }, N, async (s) => {
    draws.set(await s.position.data(), n * D);
    n++;
  });
  let worst = 0;
  for (let d = 0; d < D; d++) {
    const x = Float64Array.from({ length: N }, (_, i) => draws[i * D + d]!);
    const x2 = x.map((v) => v * v);
    const mean = x.reduce((a, b) => a + b, 0) / N;
    const meanSq = x2.reduce((a, b) => a + b, 0) / N;
    // SE of the mean: sd / √ESS(x) with sd = 1; SE of E[x²]: √2 / √ESS(x²).
    const zMean = Math.abs(mean) / Math.sqrt(1 / effectiveSampleSize(x));
    const zVar = Math.abs(meanSq - 1) / Math.sqrt(2 / effectiveSampleSize(x2));
    worst = Math.max(worst, zMean, zVar);
  }
  // 20 z-scores; 4 SE is a two-sided 6e-5 level each (1.3e-3 in all).
  expect(worst).toBeLessThan(4);
  const accept = infos.reduce((a, i) => a + i.acceptanceRate[0]!, 0) / N;
  expect(accept).toBeGreaterThan(0.6);
  expect(infos.every((i) => i.isDivergent[0] === 0)).toBe(true);
  disposeState(state);
  disposeState(start);
  inverseMassMatrix.dispose();
}, 120_000);
