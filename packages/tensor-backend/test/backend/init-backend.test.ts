import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/init-backend.js';
import { toScalar } from '../../src/backend/readback.js';

const backend = process.env.PROBDL_BACKEND ?? 'cpu';

describe(`initBackend on ${backend}`, () => {
  it('has started the backend the project asked for', () => {
    expect(tf.getBackend()).toBe(backend);
  });

  it('reports the started backend and an adapter for webgpu', async () => {
    const report = await initBackend({ prefer: [backend as 'cpu'] });
    expect(report.backend).toBe(backend);
    expect(report.attempts.at(-1)).toEqual({ backend, ok: true, reason: '' });
    if (backend === 'webgpu') expect(report.adapter?.device ?? report.adapter?.description).toBeTruthy();
    else expect(report.adapter).toBeUndefined();
  });

  it('computes gradients (gradients are registered on this backend)', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(x);
    await expect(g).toBeCloseTensor([2, 4, 6]);
    tf.dispose([x, g]);
  });

  it('runs a matmul on the device, not forwarded to the CPU', async () => {
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.matMul(a, a);
    await expect(b).toBeCloseTensor([[7, 10], [15, 22]]);
    expect(await toScalar(tf.sum(b))).toBe(54);
    tf.dispose([a, b]);
  });

  it('rejects an unknown backend name and an empty list, naming the argument', async () => {
    await expect(initBackend({ prefer: ['tpu' as never] })).rejects.toThrow(/unknown backend 'tpu'/);
    await expect(initBackend({ prefer: [] })).rejects.toThrow(/'prefer'/);
  });
});
