import * as tf from '@tensorflow/tfjs-core';
import { adam, exponentialDecay } from '@probdl/optimizers';
import { foldIn, key, random, tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoNormal, svi, type AutoNormalParams } from '../../src/index.js';
import { batchMeanModel, meanModel } from './models.js';

/**
 * Minibatch SVI on y_i ~ N(μ, 1), μ ~ N(0, 1), N = 200, batches of B = 20 (the plate's
 * subsampleSize, or subsample indices given with the batch as arguments). Exact posterior:
 * N(Σy / (N + 1), 1 / (N + 1)). Measured: mean errors 0.007 (full batch), 0.08 (subsampleSize) and
 * 0.015 (batches) posterior sd; sd ratios 1.009, 0.993, 1.066; the unbiasedness check saw mean d =
 * 0.94 with SE 2.1 (sd of d 36). About 15 s on cpu.
 */
const N = 200;
const B = 20;
let y: tf.Tensor;
let exactMean = 0;
const exactSd = 1 / Math.sqrt(N + 1);

beforeAll(async () => {
  y = tf.tidy(() => tf.add(0.8, random.normal(key(21), [N])));
  exactMean = Array.from(await y.data()).reduce((a, v) => a + v, 0) / (N + 1);
});
afterAll(() => y.dispose());

async function locScale(params: AutoNormalParams): Promise<[number, number]> {
  const loc = (await params.loc.mu!.data())[0]!;
  const raw = (await params.rawScale.mu!.data())[0]!;
  return [loc, Math.log1p(Math.exp(raw))];
}

describe('minibatch SVI with plate subsampling', () => {
  it('the minibatch loss is an unbiased estimate of the full-data loss', async () => {
    const guide = autoNormal(meanModel);
    const params = await guide.init(key(0), y, N);
    const s = svi(meanModel, guide, adam(0.01));
    // The same key gives the same guide draw for both (one particle), so the difference isolates
    // the subsampling: d = loss(B) − loss(N) has mean 0 exactly (a uniform subset without
    // replacement, scaled by N / B). M = 300 keys: |mean d| < 4 SE, SE = sd(d) / √M.
    const M = 300;
    const d = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const k = foldIn(key(1), i);
      const mb = s.loss(k, params, y, B);
      const full = s.loss(k, params, y, N);
      d[i] = (await mb.data())[0]! - (await full.data())[0]!;
      tf.dispose([mb, full]);
    }
    const mean = d.reduce((a, v) => a + v, 0) / M;
    const sd = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / (M - 1));
    expect(sd).toBeGreaterThan(1); // the subsample does change the loss
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(M));
    tree.dispose(params);
    guide.dispose();
  });

  it('reaches the full-batch solution (subsampleSize drawn from the step key, or batches passed as arguments)', async () => {
    // Adam with a learning rate decaying from 0.05 to 5e-4: the minibatch gradient noise moves the
    // final iterate by about the last learning rates (≪ 0.1 posterior sd = 0.007). Tolerances: the
    // mean within 0.15 posterior sd and the sd within 10 % of the exact values, for the full batch
    // and both minibatch routes.
    const steps = 600;
    const opt = () => adam(exponentialDecay(0.05, steps, 0.01));
    const fitWith = async (model: typeof meanModel | typeof batchMeanModel, args: any): Promise<[number, number]> => {
      const guide = autoNormal(model as typeof meanModel);
      const r = await svi(model as typeof meanModel, guide, opt(), { numParticles: 2 }).run(key(7), steps, args);
      const out = await locScale(r.params);
      tree.dispose([r.params, r.state.optState]);
      guide.dispose();
      return out;
    };
    const full = await fitWith(meanModel, [y, N]);
    const sub = await fitWith(meanModel, [y, B]);
    // The caller cuts the batches: a fixed shuffle split into N / B batches, visited in turn.
    const perm = random.permutationIndices(key(8), N);
    const batches = Array.from({ length: N / B }, (_, j) => {
      const idx = tf.tensor1d(perm.slice(j * B, (j + 1) * B), 'int32');
      return [tf.gather(y, idx), idx, N] as [tf.Tensor, tf.Tensor, number];
    });
    const cut = await fitWith(batchMeanModel, (i: number) => batches[i % batches.length]!);
    for (const b of batches) tf.dispose([b[0], b[1]]);
    for (const [name, [loc, scale]] of [['full', full], ['subsampleSize', sub], ['batches', cut]] as const) {
      expect(Math.abs(loc - exactMean) / exactSd, `${name} mean`).toBeLessThan(0.15);
      expect(Math.abs(scale / exactSd - 1), `${name} sd`).toBeLessThan(0.1);
    }
  });
});
