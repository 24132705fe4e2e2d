import * as tf from '@tensorflow/tfjs-core';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { blrPosterior, maximizeEvidence } from '@probdl/inference-vi';
import { fmt, linspace, values, type SectionContext, type SectionResult } from '../common.js';
import { lineSpec, regressionSpec } from '../plots.js';

/**
 * Section 2: the exact posterior of Bayesian linear regression on the outlier data (cell 47, α = 5),
 * its predictive at α = 3 on the practical's 201-point test grid (cells 55/100), and the log evidence
 * over a grid of α with its maximiser (MacKay's fixed point, noise variance fixed at 1). Float64 on
 * the host: D = 2.
 */
export async function posteriorSection(ctx: SectionContext): Promise<SectionResult> {
  const { x, y } = indabaDataset('outlier');
  const X = affineBasis(x);
  const data = indabaValues('outlier');
  const xs = Array.from(data.x);
  // x_test = linspace(min(x) - 1, max(x) + 1, 201) in float32, as jnp.linspace.
  const xTest = tf.linspace(Math.min(...xs) - 1, Math.max(...xs) + 1, 201);
  const phiTest = affineBasis(xTest);
  try {
    const p5 = await blrPosterior(X, y, { alpha: 5, on: 'host' });
    const h5 = await p5.toHost();
    p5.dispose();
    const mu5 = Array.from(h5.mean);
    const cov5 = Array.from(h5.covariance.data);
    ctx.print(`posterior at alpha 5: mu = ${fmt(mu5)}, Sigma = ${fmt(cov5, 8)} (exactly I/11: X^T X = 6 I)`);

    const p3 = await blrPosterior(X, y, { alpha: 3, on: 'host' });
    const h3 = await p3.toHost();
    const pred = await p3.predict(phiTest);
    const noisy = await p3.predict(phiTest, { includeNoise: true });
    const [xt, m, s, sn] = await Promise.all([values(xTest), values(pred.mean), values(pred.stddev), values(noisy.stddev)]);
    const logEvidence3 = p3.logEvidence;
    tf.dispose([pred.mean, pred.variance, pred.stddev, noisy.mean, noisy.variance, noisy.stddev]);
    p3.dispose();
    const at = (a: number[]) => [a[0]!, a[100]!, a[200]!];
    ctx.print(`posterior at alpha 3: mu = ${fmt(Array.from(h3.mean))}; predictive mean at x_test[0,100,200] ${fmt(at(m))}, std ${fmt(at(s))}; log evidence ${fmt(logEvidence3)}`);

    // The evidence over alpha (noise variance 1), and its maximiser.
    const alphas = linspace(-2, 2.5, ctx.quick ? 31 : 91).map((e) => 10 ** e);
    const evidence: number[] = [];
    for (const a of alphas) {
      const p = await blrPosterior(X, y, { alpha: a, on: 'host' });
      evidence.push(p.logEvidence);
      p.dispose();
    }
    const best = await maximizeEvidence(X, y, { method: 'mackay', alpha: 1, noiseVariance: 1, learn: { noiseVariance: false } });
    const both = await maximizeEvidence(X, y, { method: 'mackay', alpha: 1, noiseVariance: 1 });
    ctx.print(`evidence over alpha (noise variance 1): maximum ${fmt(best.logEvidence)} at alpha ${fmt(best.alpha)} (MacKay, ${best.steps} iterations); learning the noise too: alpha ${fmt(both.alpha)}, noise variance ${fmt(both.noiseVariance)}, log evidence ${fmt(both.logEvidence)}`);

    const points = xs.map((xv, i) => ({ x: xv, y: data.y[i]! }));
    return {
      metrics: {
        alpha5: { mu: mu5, covariance: cov5 },
        alpha3: {
          mu: Array.from(h3.mean),
          covariance: Array.from(h3.covariance.data),
          xTestFirstLast: [xt[0], xt[200]],
          predictiveMeanAt0_100_200: at(m),
          predictiveStdAt0_100_200: at(s),
          predictiveStdWithNoiseAt0_100_200: at(sn),
          logEvidence: logEvidence3,
        },
        evidenceCurve: { alpha: alphas, logEvidence: evidence },
        evidenceMaximum: { alpha: best.alpha, logEvidence: best.logEvidence, iterations: best.steps },
        evidenceMaximumWithNoise: { alpha: both.alpha, noiseVariance: both.noiseVariance, logEvidence: both.logEvidence },
      },
      figures: [
        {
          file: 'blr-predictive.svg',
          caption: 'Section 2: the exact posterior predictive at α = 3, mean ± 2 sd without the noise (epistemic) and with it.',
          spec: regressionSpec('Bayesian linear regression, α = 3', [
            {
              title: 'posterior predictive',
              points,
              curves: [
                { name: 'mean ± 2 sd of y (with noise)', x: xt, mean: m, lo: m.map((v, i) => v - 2 * sn[i]!), hi: m.map((v, i) => v + 2 * sn[i]!) },
                { name: 'mean ± 2 sd of f (epistemic)', x: xt, mean: m, lo: m.map((v, i) => v - 2 * s[i]!), hi: m.map((v, i) => v + 2 * s[i]!) },
              ],
            },
          ], 480, 300),
        },
        {
          file: 'evidence-alpha.svg',
          caption: 'Section 2: the log evidence of the affine model against the prior precision α (noise variance 1); the diamond is MacKay\'s maximiser.',
          spec: lineSpec(
            'Log evidence over α (outlier data)',
            alphas.map((a, i) => ({ x: a, y: evidence[i]!, series: 'log p(y | α)' })),
            { x: 'α (prior precision)', y: 'log evidence', logX: true },
            [{ x: best.alpha, y: best.logEvidence, label: 'maximum' }],
          ),
        },
      ],
      notes: [],
    };
  } finally {
    tf.dispose([x, y, X, xTest, phiTest]);
  }
}
