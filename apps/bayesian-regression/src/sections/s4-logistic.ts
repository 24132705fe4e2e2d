import * as tf from '@tensorflow/tfjs-core';
import { affineBasis, indabaDataset } from '@probdl/datasets';
import { findMap } from '@probdl/inference-vi';
import { adam } from '@probdl/optimizers';
import { logSigmoid } from '@probdl/tensor-backend';
import { fmt, linspace, values, windowMeans, type SectionContext, type SectionResult } from '../common.js';
import { landscapeSpec } from '../plots.js';

/** The practical's prior precision of the logistic regression (cell 81). */
export const LOGISTIC_ALPHA = 0.75;

/**
 * The practical's logistic log posterior −(Σ sigmoid_BCE(Xw, y) + ½α‖w‖²) as a batched target
 * `[S, 2] → [S]` (the stable logits form: log σ(z) and log σ(−z)).
 */
export function logisticObjective(X: tf.Tensor, y: tf.Tensor, alpha = LOGISTIC_ALPHA): (w: tf.Tensor) => tf.Tensor {
  return (w) =>
    tf.tidy(() => {
      const logits = tf.matMul(w, X, false, true); // [S, N]
      const ll = tf.sum(tf.add(tf.mul(y, logSigmoid(logits)), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(logits)))), 1);
      return tf.sub(ll, tf.mul(0.5 * alpha, tf.sum(tf.square(w), 1)));
    });
}

/**
 * Section 4: logistic regression's MAP on the classification data by findMap with the practical's
 * Adam (lr 1e-2, b1 0.99, 800 steps from 0; cell 81), and the loss landscape on a grid of (w0, w1)
 * with the Adam path. Same steps with --quick; a coarser grid.
 */
export async function logisticSection(ctx: SectionContext): Promise<SectionResult> {
  const { x, y } = indabaDataset('classification');
  const X = affineBasis(x);
  const target = logisticObjective(X, y);
  const init = tf.zeros([2]);
  const path: { w0: number; w1: number; step: number }[] = [{ w0: 0, w1: 0, step: 0 }];
  try {
    const { position, history } = await findMap(target, init, {
      optimizer: adam(1e-2, { b1: 0.99, b2: 0.999, eps: 1e-8 }),
      steps: 800,
      onStep: async ({ step, position: p }) => {
        if ((step + 1) % 10 === 0) {
          const [w0, w1] = await values(p);
          path.push({ w0: w0!, w1: w1!, step: step + 1 });
        }
      },
    });
    const w = await values(position);
    const at = tf.tidy(() => tf.neg(target(tf.reshape(position, [1, 2]))));
    const loss = (await values(at))[0]!;
    tf.dispose([position, at]);
    const means = windowMeans(history, 100);
    ctx.print(`logistic MAP (alpha ${LOGISTIC_ALPHA}, Adam b1 0.99, 800 steps): w = ${fmt(w)}, loss ${fmt(loss)}; objective window means min ${fmt(Math.min(...means), 3)}, max ${fmt(Math.max(...means), 3)}`);

    // The loss landscape: the negative log posterior on a regular grid, one batched evaluation.
    const n0 = ctx.quick ? 31 : 61;
    const n1 = ctx.quick ? 31 : 61;
    const g0 = linspace(-2.5, 3, n0);
    const g1 = linspace(-1, 4, n1);
    const pts: number[] = [];
    for (const a of g0) for (const b of g1) pts.push(a, b);
    const wGrid = tf.tensor2d(pts, [n0 * n1, 2]);
    const lossGrid = tf.tidy(() => tf.neg(target(wGrid)));
    const lv = await values(lossGrid);
    tf.dispose([wGrid, lossGrid]);
    const d0 = (g0[1]! - g0[0]!) / 2;
    const d1 = (g1[1]! - g1[0]!) / 2;
    const cells = g0.flatMap((a, i) => g1.map((b, j) => ({ w0: a - d0, w0b: a + d0, w1: b - d1, w1b: b + d1, value: lv[i * n1 + j]! })));
    const minCell = cells.reduce((best, c) => (c.value < best.value ? c : best));
    return {
      metrics: { alpha: LOGISTIC_ALPHA, steps: 800, params: w, lossAtParams: loss, windowMeans: means, landscape: { w0: [g0[0], g0[n0 - 1]], w1: [g1[0], g1[n1 - 1]], points: n0 * n1, minimumOnGrid: minCell.value } },
      figures: [
        {
          file: 'logistic-landscape.svg',
          caption: 'Section 4: the logistic regression loss −log p(w | data) + const over (w0, w1) (log colour scale), Adam\'s path from 0 (white) and the MAP (cross).',
          spec: landscapeSpec('Logistic regression: loss landscape and MAP (α = 0.75)', cells, path, [{ w0: w[0]!, w1: w[1]!, label: 'MAP' }], 'loss'),
        },
      ],
      notes: [],
    };
  } finally {
    tf.dispose([x, y, X, init]);
  }
}
