import * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal } from '@probdl/distributions';
import type { ModelContext } from '@probdl/model';
import { adam, sgd } from '@probdl/optimizers';
import { key, tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autoDiagonalNormal,
  autoLowRankMultivariateNormal,
  autoMultivariateNormal,
  autoNormal,
  svi,
} from '../../src/index.js';
import { lineAutoGuides, lineData, lineModel } from './models.js';

/** The SVI loop's contract: state passing, callbacks, abort, errors and tensor ownership. About 10 s on cpu. */
let x: tf.Tensor;
let y: tf.Tensor;
beforeAll(async () => {
  ({ x, y } = await lineData());
});
afterAll(() => tf.dispose([x, y]));


describe('svi', () => {
  it('update is pure: the same state gives the same loss and the same new parameters', async () => {
    const guide = autoMultivariateNormal(lineModel);
    const s = svi(lineModel, guide, adam(0.01), { numParticles: 2 });
    const state = await s.init(key(0), x, y);
    const [a, la] = s.update(state, x, y);
    const [b, lb] = s.update(state, x, y);
    expect((await la.data())[0]).toBe((await lb.data())[0]);
    expect(await a.params.loc.data()).toEqual(await b.params.loc.data());
    const ev = s.evaluate(state, x, y);
    expect((await ev.data())[0]).toBe((await la.data())[0]);
    expect(a.step).toBe(1);
    tf.dispose([la, lb, ev]);
    for (const st of [state, a, b]) s.disposeState(st);
    guide.dispose();
  });

  it('reports progress and every step, and the loss history matches onStep', async () => {
    const guide = autoNormal(lineModel);
    const seen: number[] = [];
    const progress: { step: number; meanLoss: number }[] = [];
    const r = await svi(lineModel, guide, adam(0.05)).run(key(1), 25, [x, y], {
      onStep: ({ step, loss }) => void seen.push(step === seen.length ? loss : NaN),
      progress: ({ step, meanLoss }) => void progress.push({ step, meanLoss }),
      progressEvery: 10,
    });
    expect(r.losses.length).toBe(25);
    expect(Array.from(r.losses)).toEqual(seen);
    expect(progress.map((p) => p.step)).toEqual([10, 20, 25]);
    const mean = Array.from(r.losses.slice(20)).reduce((a, v) => a + v, 0) / 5;
    expect(progress[2]!.meanLoss).toBeCloseTo(mean, 3);
    expect(r.aborted).toBe(false);
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });

  it('stops at an aborted AbortSignal, keeping the steps done', async () => {
    const guide = autoDiagonalNormal(lineModel);
    const controller = new AbortController();
    const r = await svi(lineModel, guide, sgd(0.001)).run(key(2), 1000, [x, y], {
      onStep: ({ step }) => {
        if (step === 4) controller.abort();
      },
      signal: controller.signal,
    });
    expect(r.aborted).toBe(true);
    expect(r.losses.length).toBe(5);
    expect(r.state.step).toBe(5);
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });

  it('every guide trains without leaking tensors over a 200-step loop, and its methods free what they make', async () => {
    for (const guide of lineAutoGuides()) {
      const s = svi(lineModel, guide, adam(0.01), { numParticles: 2 });
      let state = await s.init(key(3), x, y);
      const start = tf.memory().numTensors;
      for (let i = 0; i < 200; i++) {
        const [next, loss] = s.update(state, x, y);
        loss.dispose();
        s.disposeState(state);
        state = next;
        if (i === 9) expect(tf.memory().numTensors, guide.name).toBe(start);
      }
      expect(tf.memory().numTensors, guide.name).toBe(start);
      const outs = [guide.sample(key(4), state.params, 3), guide.median(state.params), guide.quantiles(state.params, [0.1, 0.9])];
      tf.dispose(outs.flatMap((o) => Object.values(o)));
      tf.dispose([guide.sampleUnconstrained(key(5), state.params, 2), s.loss(key(6), state.params, x, y), s.evaluate(state, x, y)]);
      expect(tf.memory().numTensors, guide.name).toBe(start);
      s.disposeState(state);
      guide.dispose();
    }
  }, 60_000);

  it('guide.init and guide.dispose leave nothing behind', async () => {
    for (const guide of lineAutoGuides()) {
      const start = tf.memory().numTensors;
      const params = await guide.init(key(9), x, y);
      const again = await guide.init(key(10), x, y); // re-initialising releases the first layout
      tree.dispose([params, again]);
      guide.dispose();
      expect(tf.memory().numTensors, guide.name).toBe(start);
    }
  });

  it('run frees everything but its result', async () => {
    const guide = autoMultivariateNormal(lineModel);
    const start = tf.memory().numTensors;
    const r = await svi(lineModel, guide, adam(0.01)).run(key(7), 50, [x, y], { progress: () => {}, progressEvery: 7 });
    tree.dispose([r.params, r.state.optState]);
    expect(tf.memory().numTensors).toBe(start);
    guide.dispose();
  });

  it('any GradientTransformation and estimator options', async () => {
    const guide = autoMultivariateNormal(lineModel);
    const r = await svi(lineModel, guide, sgd(1e-3), { numParticles: 4, loss: { estimator: 'iwae', k: 2 } }).run(key(8), 20, [x, y]);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });
});

describe('errors', () => {
  it('a guide used before init names the method', () => {
    const guide = autoNormal(lineModel);
    expect(() => guide.median({ loc: {}, rawScale: {} })).toThrow(/AutoNormal\.median: the guide is not initialised/);
    expect(() => guide.sample(key(0), { loc: {}, rawScale: {} }, 2)).toThrow(/AutoNormal\.sample: the guide is not initialised/);
    const s = svi(lineModel, guide, adam(0.01));
    expect(() => s.loss(key(0), { loc: {}, rawScale: {} }, x, y)).toThrow(/svi\.loss: the guide AutoNormal is not initialised/);
  });

  it('unknown or missing sites in the params are named', async () => {
    const guide = autoNormal(lineModel);
    const params = await guide.init(key(0), x, y);
    const extra = { loc: { ...params.loc, z: tf.scalar(0) }, rawScale: params.rawScale };
    expect(() => guide.median(extra)).toThrow(/unknown site 'z' in params/);
    const missing = { loc: { w: params.loc.w! }, rawScale: params.rawScale };
    expect(() => guide.median(missing)).toThrow(/no tensor for latent site 'b'/);
    extra.loc.z.dispose();
    tree.dispose(params);
    guide.dispose();
  });

  it('a model whose latent sites change between steps is named', async () => {
    const changing = (ctx: ModelContext, withExtra: boolean) => {
      const a = ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
      if (withExtra) ctx.sample('extra', new HalfNormal({ scale: 1 }));
      ctx.sample('obs', new Normal({ loc: a, scale: 1 }), { obs: tf.scalar(0.5) });
    };
    const guide = autoNormal(changing);
    const s = svi(changing, guide, adam(0.01));
    const state = await s.init(key(0), false);
    expect(() => s.update(state, true)).toThrow(/latent site 'extra' of the model is not in the guide's layout/);
    s.disposeState(state);
    guide.dispose();
  });

  it('bad arguments', async () => {
    const guide = autoNormal(lineModel);
    expect(() => svi(lineModel, guide, adam(0.01), { numParticles: 0 })).toThrow(/numParticles' must be an integer >= 1/);
    expect(() => svi(lineModel, guide, adam(0.01), { loss: { numSamples: 3 } as never })).toThrow(/unknown key 'numSamples' in option 'loss'/);
    expect(() => svi(((ctx: ModelContext) => lineModel(ctx, x, y)) as never, guide, adam(0.01))).toThrow(/guide was built for another model/);
    expect(() => svi(lineModel, guide, {} as never)).toThrow(/GradientTransformation/);
    expect(() => autoLowRankMultivariateNormal(lineModel, { rank: 0 })).toThrow(/rank' must be an integer >= 1/);
    expect(() => autoNormal(lineModel, { initScale: -1 })).toThrow(/initScale' must be a positive number/);
    await expect(svi(lineModel, guide, adam(0.01)).run(key(0), -1, [x, y])).rejects.toThrow(/numSteps' must be an integer >= 0/);
    const params = await guide.init(key(0), x, y);
    expect(() => guide.quantiles(params, [0, 0.5])).toThrow(/'qs' must be a non-empty array of numbers in \(0, 1\)/);
    expect(() => guide.sample(key(0), params, 0)).toThrow(/'numSamples' must be an integer >= 1/);
    tree.dispose(params);
    guide.dispose();
  });
});
