import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';
import { initBackend } from '../src/backend/init-backend.js';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as 'cpu';
const generated = fileURLToPath(new URL('./readme-example.generated.ts', import.meta.url));

afterAll(async () => {
  rmSync(generated, { force: true });
  await initBackend({ prefer: [backend] });
});

it('runs the README example as written, and its two answers agree', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README has a ts block under "## Example"').toBeTruthy();
  const source = block!.replace(/from '@probdl\/tensor-backend'/g, `from '${pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href}'`);
  writeFileSync(generated, source);
  const lines: unknown[][] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args));
  const before = tf.memory().numTensors;
  try {
    await import(/* @vite-ignore */ pathToFileURL(generated).href);
  } finally {
    log.mockRestore();
  }
  expect(tf.memory().numTensors).toBe(before);
  const gd = lines.find((l) => l[0] === 'gradient descent')?.[1] as Float64Array;
  const exact = lines.find((l) => String(l[0]).startsWith('exact'))?.[1] as Float64Array;
  expect(gd).toHaveLength(3);
  await expect(gd).toBeCloseTensor(exact, { rtol: 1e-3, atol: 1e-3 });
});
