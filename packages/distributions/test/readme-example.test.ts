import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('runs the README example as written, without leaks', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/distributions',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  const found = (label: string) => lines.find((l) => l[0] === label);
  expect(found('batch shape')?.[1]).toEqual([3]);
  expect(found('batch shape')?.[3]).toEqual([1000, 3]);
  // The MLE of 500 draws from N(2, 0.5): the mean within 4 standard errors (0.5/sqrt(500) = 0.022).
  const fit = found('fit')!;
  expect(Math.abs((fit[1] as Float32Array)[0]! - 2)).toBeLessThan(0.09);
  expect(Math.abs((fit[2] as Float32Array)[0]! - 0.5)).toBeLessThan(0.07);
  // KL(N(0, LpLpᵀ) || N((1,0), diag(4, 1))) by hand: 0.5 (tr + maha - 2 + logdet ratio) = 0.5 (0.25 + 1.25 + 0.25 - 2 + ln 4).
  await expect(tf.tensor((found('kl')![1] as Float32Array)[0]!)).toBeCloseTensor(0.5 * (0.25 + 1.25 + 0.25 - 2 + Math.log(4)), { rtol: 1e-5 });
});
