import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '@probdl/tensor-backend';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as BackendName;

afterAll(async () => {
  await initBackend({ prefer: [backend] });
});

it('runs the README example as written: the loop and fit both reach the target without leaks', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/optimizers',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  const found = (label: string) => lines.find((l) => l[0] === label)?.[1];
  // Adam's steps shrink with the learning rate: 300 steps end within a few lr of the optimum.
  await expect(found('loop')).toBeCloseTensor([1, -2, 3], { rtol: 0, atol: 0.05 });
  await expect(found('fit')).toBeCloseTensor([1, -2, 3], { rtol: 0, atol: 0.3 });
});
