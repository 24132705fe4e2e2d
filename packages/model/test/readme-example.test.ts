import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('runs the README example as written, without leaks; the MAP fit recovers the data-generating line', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/model',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  const fit = lines.find((l) => l[0] === 'dim')!;
  expect(fit[1]).toBe(3);
  const w = fit[3] as Float32Array;
  const b = fit[5] as Float32Array;
  const sigma = fit[7] as Float32Array;
  // 50 points with noise 0.3 on x in (-1, 1): the MAP is within a few standard errors of the truth
  // (se(w) ≈ 0.3 / sqrt(50 · 1/3) ≈ 0.07, se(b) ≈ 0.04, se(sigma) ≈ 0.03); every chain reaches it.
  for (let c = 0; c < 4; c++) {
    expect(Math.abs(w[c]! - 2)).toBeLessThan(0.3);
    expect(Math.abs(b[c]! + 1)).toBeLessThan(0.15);
    expect(Math.abs(sigma[c]! - 0.3)).toBeLessThan(0.12);
  }
  expect(lines.find((l) => l[0] === 'predictive shape')![1]).toEqual([4, 3]);
});
