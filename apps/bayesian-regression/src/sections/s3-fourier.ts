import * as tf from '@tensorflow/tfjs-core';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { blrPosterior, maximizeEvidence, randomFourierFeatures, type BlrPosterior } from '@probdl/inference-vi';
import { foldIn, random } from '@probdl/tensor-backend';
import { fmt, linspace, values, type SectionContext, type SectionResult } from '../common.js';
import { regressionSpec, type Curve } from '../plots.js';

/** The practical's prior precision for the evidence comparison (cell 71). */
const ALPHA = 0.01;
/** Its number of Fourier features and the sd of the frequencies. */
const FEATURES = 500;
const FREQUENCY_SD = 0.75;

/**
 * Section 3: affine against random-Fourier features on the nonlinear data (cell 71: log evidence at
 * α = 0.01 with the practical's S, u), then type-II maximum likelihood over α, the noise variance and
 * the lengthscale with maximizeEvidence.
 *
 * maximizeEvidence differentiates the evidence in its N × N form here (8 points, 500 features), so the
 * learned-lengthscale fit uses the whole basis. The full run also fits α and the noise of the
 * 500-feature basis by MacKay's fixed point on the host.
 */
export async function fourierSection(ctx: SectionContext): Promise<SectionResult> {
  const notes: string[] = [];
  const { x, y } = indabaDataset('nonlinear');
  let S: tf.Tensor2D;
  let u: tf.Tensor1D;
  let source: string;
  if (ctx.reference.fourier !== undefined) {
    S = tf.tensor2d(ctx.reference.fourier.S, [1, ctx.reference.fourier.S.length]);
    u = tf.tensor1d(ctx.reference.fourier.u);
    source = `the practical's S, u (PRNGKey(42)) from ${ctx.reference.fourier.path}`;
  } else {
    S = tf.tidy(() => tf.mul(random.normal(foldIn(ctx.key, 0), [1, FEATURES]), FREQUENCY_SD)) as tf.Tensor2D;
    u = random.uniform(foldIn(ctx.key, 1), [FEATURES], { minval: -Math.PI, maxval: Math.PI }) as tf.Tensor1D;
    source = `S ~ N(0, ${FREQUENCY_SD}²), u ~ U(-π, π) drawn from probdl keys (seed ${ctx.seed}): fourier_basis_S_u.json was not found, so the Fourier evidence will not match the practical's -27.609`;
    notes.push(`Section 3: ${source}.`);
  }
  ctx.print(`Fourier basis: ${source}`);
  const M = S.shape[1];
  const affine = affineBasis(x);
  const phi = randomFourierFeatures(x, { frequencies: S, phases: u });
  const m = M; // every feature: the evidence's N × N form makes D = 500 cheap
  const Sm = tf.slice(S, [0, 0], [1, m]);
  const um = tf.slice(u, [0], [m]);
  const logLengthscale = tf.scalar(0);
  const gridX = linspace(-4, 7, 111);
  const grid = tf.tensor1d(gridX);
  const owned: { dispose(): void }[] = [];
  try {
    const pa = await blrPosterior(affine, y, { alpha: ALPHA, on: 'host' });
    const pf = await blrPosterior(phi, y, { alpha: ALPHA, on: 'host' });
    owned.push(pa, pf);
    ctx.print(`log evidence at alpha ${ALPHA}: affine ${fmt(pa.logEvidence)}, Fourier (${M} features) ${fmt(pf.logEvidence)}`);

    // Type-II maximum likelihood over (log alpha, log noise variance, log lengthscale) by gradient ascent.
    const basis = (xx: tf.Tensor, h: { logLengthscale: tf.Tensor }): tf.Tensor => randomFourierFeatures(xx, { frequencies: Sm, phases: um, lengthscale: tf.exp(h.logLengthscale) });
    const steps = ctx.quick ? 60 : 400;
    const t0 = performance.now();
    const opt = await maximizeEvidence({ x, basis, hyper: { logLengthscale } }, y, { alpha: ALPHA, noiseVariance: 1, maxSteps: steps });
    const seconds = (performance.now() - t0) / 1000;
    const lengthscale = Math.exp((await values(opt.hyper!.logLengthscale))[0]!);
    ctx.print(
      `maximizeEvidence (Fourier, all ${m} features, ${opt.steps} Adam steps, ${seconds.toFixed(1)} s): log evidence ${fmt(opt.initialLogEvidence, 3)} -> ${fmt(opt.logEvidence, 3)}; alpha ${fmt(opt.alpha, 4)}, noise variance ${fmt(opt.noiseVariance, 4)}, lengthscale ${fmt(lengthscale, 4)}${opt.converged ? ' (converged)' : ''}`,
    );
    const phiOpt = randomFourierFeatures(x, { frequencies: Sm, phases: um, lengthscale });
    const pOpt = await blrPosterior(phiOpt, y, { alpha: opt.alpha, noiseVariance: opt.noiseVariance, on: 'host' });
    owned.push(pOpt);
    phiOpt.dispose();
    opt.hyper!.logLengthscale.dispose();

    let mackay500: Record<string, number> | undefined;
    if (!ctx.quick) {
      const mk = await maximizeEvidence(phi, y, { method: 'mackay', alpha: ALPHA, noiseVariance: 1, maxSteps: 50 });
      mackay500 = { alpha: mk.alpha, noiseVariance: mk.noiseVariance, logEvidence: mk.logEvidence, iterations: mk.steps };
      ctx.print(`MacKay on the ${M}-feature basis (lengthscale 1): alpha ${fmt(mk.alpha, 5)}, noise variance ${fmt(mk.noiseVariance, 4)}, log evidence ${fmt(mk.logEvidence, 4)}`);
    }

    const curve = async (name: string, post: BlrPosterior, design: tf.Tensor): Promise<Curve> => {
      const p = await post.predict(design, { includeNoise: true });
      const [mean, sd] = await Promise.all([values(p.mean), values(p.stddev)]);
      tf.dispose([p.mean, p.variance, p.stddev]);
      return { name, x: gridX, mean, lo: mean.map((v, i) => v - 2 * sd[i]!), hi: mean.map((v, i) => v + 2 * sd[i]!) };
    };
    const gAffine = affineBasis(grid);
    const gPhi = randomFourierFeatures(grid, { frequencies: S, phases: u });
    const gOpt = randomFourierFeatures(grid, { frequencies: Sm, phases: um, lengthscale });
    const curves = [
      await curve(`affine, α=${ALPHA}`, pa, gAffine),
      await curve(`Fourier ${M}, α=${ALPHA}, ℓ=1`, pf, gPhi),
      await curve(`Fourier ${m}, evidence-optimised`, pOpt, gOpt),
    ];
    tf.dispose([gAffine, gPhi, gOpt]);
    const data = indabaValues('nonlinear');
    const points = Array.from(data.x, (xv, i) => ({ x: xv, y: data.y[i]! }));
    return {
      metrics: {
        basisSource: ctx.reference.fourier !== undefined ? 'practical' : 'keys',
        alpha: ALPHA,
        affineEvidence: pa.logEvidence,
        fourierEvidence: pf.logEvidence,
        features: M,
        optimised: {
          features: m,
          steps: opt.steps,
          converged: opt.converged,
          seconds,
          initialLogEvidence: opt.initialLogEvidence,
          logEvidence: opt.logEvidence,
          alpha: opt.alpha,
          noiseVariance: opt.noiseVariance,
          lengthscale,
        },
        ...(mackay500 ? { mackayFullBasis: mackay500 } : {}),
      },
      figures: [
        {
          file: 'fourier.svg',
          caption: 'Section 3: predictive mean ± 2 sd (with noise) of the affine model, the practical\'s 500-feature Fourier basis, and a Fourier basis with α, noise and lengthscale chosen by the evidence.',
          spec: regressionSpec('Affine against random Fourier features (nonlinear data)', curves.map((c) => ({ title: c.name, points, curves: [c], yDomain: [-10, 35] as const })), 300, 240),
        },
      ],
      notes,
    };
  } finally {
    for (const o of owned) o.dispose();
    tf.dispose([x, y, S, u, affine, phi, Sm, um, logLengthscale, grid]);
  }
}
