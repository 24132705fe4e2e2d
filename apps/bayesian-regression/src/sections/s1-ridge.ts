import * as tf from '@tensorflow/tfjs-core';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { ridgeSolution } from '@probdl/inference-vi';
import { adam, fit } from '@probdl/optimizers';
import { tree, type Tree } from '@probdl/tensor-backend';
import { fmt, linspace, values, windowMeans, type SectionContext, type SectionResult } from '../common.js';
import { regressionSpec } from '../plots.js';

/** The practical's optimizer: optax.adam(1e-2, b1=0.99, b2=0.999, eps=1e-8) (NOTES.md). */
export const indabaAdam = (lr = 1e-2) => adam(lr, { b1: 0.99, b2: 0.999, eps: 1e-8 });

/** The ridge penalty of cells 33–34. */
export const RIDGE_ALPHA = 3.58;

/**
 * Section 1: maximum likelihood against ridge on the outlier data (cells 25, 33–34). Adam maximises
 * −½‖y − Xw‖² (1000 steps) and −(½‖y − Xw‖² + ½α‖w‖²) (500 steps) from w = 0 on the affine basis;
 * the exact ridge and least-squares solutions come from the conjugate algebra (float64 on the host).
 * Same steps in --quick: the runs are the practical's and cost well under a second each.
 */
export async function ridgeSection(ctx: SectionContext): Promise<SectionResult> {
  const { x, y } = indabaDataset('outlier');
  const X = affineBasis(x);
  const predict = (w: tf.Tensor): tf.Tensor => tf.reshape(tf.matMul(X, tf.reshape(w, [2, 1])), [-1]);
  const objective = (alpha: number) => (p: { w: tf.Tensor }): tf.Scalar =>
    tf.tidy(() => {
      const sse = tf.mul(0.5, tf.sum(tf.square(tf.sub(y, predict(p.w)))));
      return tf.neg(alpha === 0 ? sse : tf.add(sse, tf.mul(0.5 * alpha, tf.sum(tf.square(p.w))))) as tf.Scalar;
    });
  const run = async (alpha: number, steps: number) => {
    const init = { w: tf.zeros([2]) };
    const r = await fit(objective(alpha), indabaAdam(), init, { steps, maximize: true, readLossEvery: 250 });
    const w = await values(r.params.w);
    tree.dispose([init, r.params, r.optState as Tree]);
    return { w, windowMeans: windowMeans(r.losses, 100), final: r.losses[r.losses.length - 1]! };
  };
  try {
    const ml = await run(0, 1000);
    const reg = await run(RIDGE_ALPHA, 500);
    const ridgeT = await ridgeSolution(X, y, { alpha: RIDGE_ALPHA, on: 'host' });
    const lsqT = await ridgeSolution(X, y, { alpha: 1e-12, on: 'host' });
    const ridge = await values(ridgeT);
    const leastSquares = await values(lsqT);
    tf.dispose([ridgeT, lsqT]);
    ctx.print(`Adam, no regulariser (1000 steps): w = ${fmt(ml.w)}; least squares ${fmt(leastSquares)}`);
    ctx.print(`  objective window means every 100 steps: min ${fmt(Math.min(...ml.windowMeans), 3)}, max ${fmt(Math.max(...ml.windowMeans), 3)}`);
    ctx.print(`Adam, ridge alpha ${RIDGE_ALPHA} (500 steps): w = ${fmt(reg.w)}; exact ridge solution ${fmt(ridge)}`);

    const data = indabaValues('outlier');
    const points = Array.from(data.x, (xv, i) => ({ x: xv, y: data.y[i]! }));
    const grid = linspace(-1.6, 1.9, 50);
    const line = (name: string, w: number[]) => ({ name, x: grid, mean: grid.map((g) => w[0]! + w[1]! * g) });
    return {
      metrics: {
        adamUnregularised: { steps: 1000, params: ml.w, windowMeans: ml.windowMeans },
        leastSquares,
        adamRidge: { alpha: RIDGE_ALPHA, steps: 500, params: reg.w, windowMeans: reg.windowMeans },
        exactRidge: ridge,
      },
      figures: [
        {
          file: 'ridge.svg',
          caption: 'Section 1: the outlier at x ≈ 0.89 pulls the maximum-likelihood line; the ridge penalty (α = 3.58) shrinks it towards 0.',
          spec: regressionSpec('Maximum likelihood against ridge (outlier data)', [
            { title: 'affine fits', points, curves: [line('Adam, max. likelihood', ml.w), line('Adam, ridge α=3.58', reg.w), line('exact ridge', ridge)] },
          ], 480, 300),
        },
      ],
      notes: [],
    };
  } finally {
    tf.dispose([x, y, X]);
  }
}
