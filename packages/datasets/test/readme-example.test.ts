import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '@probdl/tensor-backend';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as BackendName;

afterAll(async () => {
  await initBackend({ prefer: [backend] });
});

it('runs the README example as written', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/datasets',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  // Standardised columns have mean 0; 150 training rows in batches of 32 are 5 batches an epoch.
  await expect(lines.find((l) => l[0] === 'column means after scaling')?.[1]).toBeCloseTensor([0, 0], { atol: 1e-6 });
  expect(lines.find((l) => l[0] === 'batches')?.[1]).toBe(10);
});
