import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('runs the README example as written, without leaks; the MDN learns the lognormal median 2x + 1', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/nn-layers',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  expect(String(lines[0]![0])).toMatch(/Dense_0[\s\S]*Total/i);
  const nll = lines.filter((l) => l[0] === 'step').map((l) => l[3] as number);
  expect(nll.length).toBe(4);
  expect(nll[3]!).toBeLessThan(nll[0]!);
  // The sample median of 4,000 draws has standard error ≈ 1.25·sd/√4000 ≤ 0.04 here; the network
  // after 400 steps is a rough fit, so the bound allows 0.25 of model error on top.
  const median = lines.find((l) => l[0] === 'median')![1] as Float32Array;
  [1.6, 2.6, 3.6].forEach((truth, i) => expect(Math.abs(median[i]! - truth)).toBeLessThan(0.3));
}, 120_000);
