import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultPoints, grid } from '../src/data.js';
import { createTrainer, MODEL_KINDS } from '../src/models.js';

describe('models', () => {
  for (const kind of MODEL_KINDS) {
    it(`${kind}: a few steps lower the loss, the band is finite and ordered, nothing leaks`, async () => {
      const before = tf.memory().numTensors;
      const trainer = createTrainer(kind, defaultPoints(), { seed: 0 });
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) losses.push(await trainer.step());
      expect(trainer.steps).toBe(30);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      const band = await trainer.band(grid(7));
      expect(band).toHaveLength(7);
      for (const r of band) {
        expect([r.mean, r.sd, r.lo, r.hi].every(Number.isFinite)).toBe(true);
        expect(r.lo).toBeLessThan(r.hi);
        expect(r.sd).toBeGreaterThan(0);
      }
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
