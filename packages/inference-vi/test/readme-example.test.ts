import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('runs the README example as written, without leaks; VI lands on the exact posterior mean', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/inference-vi',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  const exact = lines.find((l) => l[0] === 'exact mean')!;
  const vi = lines.find((l) => l[0] === 'vi mean')!;
  const exactMean = exact[1] as Float32Array;
  const viMean = vi[1] as Float32Array;
  expect(Number.isFinite(exact[3] as number)).toBe(true);
  // The posterior sd is about 1/sqrt(40 + 1) ≈ 0.16 (intercept) and 0.27 (slope); after 600 steps of
  // 16 draws the VI mean's own Monte Carlo jitter is a few hundredths, so 0.1 is a loose, failing-on-bugs bound.
  for (let i = 0; i < 2; i++) expect(Math.abs(viMean[i]! - exactMean[i]!)).toBeLessThan(0.1);
  expect(Number.isFinite(vi[3] as number)).toBe(true);
}, 120_000);
