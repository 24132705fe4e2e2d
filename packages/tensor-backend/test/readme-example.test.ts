import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { initBackend } from '../src/backend/init-backend.js';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as 'cpu';

afterAll(async () => {
  await initBackend({ prefer: [backend] });
});

it('runs the README example as written, and its two answers agree', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/tensor-backend',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  const gd = lines.find((l) => l[0] === 'gradient descent')?.[1] as Float64Array;
  const exact = lines.find((l) => String(l[0]).startsWith('exact'))?.[1] as Float64Array;
  expect(gd).toHaveLength(3);
  await expect(gd).toBeCloseTensor(exact, { rtol: 1e-3, atol: 1e-3 });
});
