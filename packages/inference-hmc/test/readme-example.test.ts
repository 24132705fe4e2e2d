import * as tf from '@tensorflow/tfjs-core';
import { runReadmeExample } from '@probdl/vitest-config/readme';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The 30 measurements of the README, and the posterior of a normal model with a flat-ish prior:
// mu ≈ their mean with sd ≈ s/sqrt(30); sigma ≈ their sd.
const Y = [4.1, 5.3, 3.8, 4.9, 5.6, 4.4, 4.7, 5.1, 3.9, 4.6, 5.0, 4.3, 4.8, 5.2, 4.5, 4.0, 5.4, 4.2, 4.9, 4.7, 5.5, 3.7, 4.4, 5.0, 4.6, 4.8, 5.1, 4.3, 4.9, 4.5];

it('runs the README example as written, without leaks; NUTS finds the mean and spread', async () => {
  const before = tf.memory().numTensors;
  const lines = await runReadmeExample({
    readme: fileURLToPath(new URL('../README.md', import.meta.url)),
    packageName: '@probdl/inference-hmc',
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
  });
  expect(tf.memory().numTensors).toBe(before);
  expect(String(lines[0]![0])).toMatch(/mean\s+std\s+median/);
  const rows = new Map((lines.find((l) => l[0] === 'rows')![1] as [string, number, number, number, number][]).map((r) => [r[0], r]));
  const n = Y.length;
  const mean = Y.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(Y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const mu = rows.get('mu')!;
  const sigma = rows.get('sigma')!;
  // Posterior sd of mu is about sd/sqrt(n) = 0.087; with ESS > 400 the MCSE is < 0.005: 4 posterior sds is generous for the prior's pull.
  expect(Math.abs(mu[1] - mean)).toBeLessThan(0.05);
  expect(Math.abs(mu[2] - sd / Math.sqrt(n))).toBeLessThan(0.03);
  // sigma's posterior sits near the sample sd (within its own posterior sd, about sd/sqrt(2n) = 0.06, times 3).
  expect(Math.abs(sigma[1] - sd)).toBeLessThan(0.2);
  for (const r of rows.values()) {
    expect(r[3]).toBeLessThan(1.01);
    expect(r[4]).toBeGreaterThan(400);
  }
  expect(lines.find((l) => l[0] === 'divergences')![1]).toBe(0);
}, 120_000);
