import * as tf from '@tensorflow/tfjs-core';
import { affineBasis, indabaDataset } from '@probdl/datasets';
import { MultivariateNormalDiag } from '@probdl/distributions';
import { blrPosterior, elbo, elboTerms, findMap, fitVi, fullRankNormal, laplace, type IndabaFullRankParams, type SplitTarget } from '@probdl/inference-vi';
import { adam } from '@probdl/optimizers';
import { foldIn, logSigmoid, tree } from '@probdl/tensor-backend';
import { fmt, klGaussian2, tailMean, values, windowMeans, type Gaussian2, type SectionContext, type SectionResult } from '../common.js';
import { samplesSpec } from '../plots.js';
import { LOGISTIC_ALPHA, logisticObjective } from './s4-logistic.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** The practical's q parameters of the ELBO assert (cell 97; `initialize_params(D=2, PRNGKey(0))`). */
const ASSERT_Q = { w: [0.6523101925849915, -0.5448523759841919], L_o: [[0, 0], [-0.0010911521967500448, 0]], sig: [0.0004499122442211956, 0.0017043092520907521] };

/** log N(y | X z, I) summed over the data (every constant), batched over z `[S, 2]`. */
function gaussianLogLik(X: tf.Tensor, y: tf.Tensor): (z: tf.Tensor) => tf.Tensor {
  const n = y.shape[0]!;
  return (z) => tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.sub(y, tf.matMul(z, X, false, true))), 1)), 0.5 * n * LOG_TWO_PI));
}

/** Σ log Bernoulli(y | sigmoid(X z)), batched over z `[S, 2]`. */
function bernoulliLogLik(X: tf.Tensor, y: tf.Tensor): (z: tf.Tensor) => tf.Tensor {
  return (z) =>
    tf.tidy(() => {
      const logits = tf.matMul(z, X, false, true);
      return tf.sum(tf.add(tf.mul(y, logSigmoid(logits)), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(logits)))), 1);
    });
}

function isotropicPrior(alpha: number): MultivariateNormalDiag {
  const s = 1 / Math.sqrt(alpha);
  return new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [s, s] });
}

/** The mean and covariance of q = N(w, L Lᵀ) in the practical's parametrisation, on the host. */
async function qMoments(params: IndabaFullRankParams): Promise<Gaussian2> {
  const [w, lo, sig] = await Promise.all([values(params.w), values(params.L_o), values(params.sig)]);
  const l00 = Math.max(Math.exp(sig[0]!), 1e-6);
  const l11 = Math.max(Math.exp(sig[1]!), 1e-6);
  const l10 = lo[2]!;
  return { mean: w, cov: [l00 * l00, l00 * l10, l00 * l10, l10 * l10 + l11 * l11] };
}

/**
 * Section 5: black-box VI with the practical's full-rank Gaussian q (L = tril(L_o, -1) +
 * diag(exp(sig))): (a) the ELBO assert of cell 97 with the injected draws of elbo_eps.json
 * (−28.404984); (b) fitVi recovering the exact posterior of the linear model (outlier data, α = 3,
 * ELBO → log evidence); (c) fitVi on the logistic regression (α = 0.75), next to its Laplace
 * approximation at the MAP. --quick takes fewer steps and draws with a larger learning rate.
 */
export async function viSection(ctx: SectionContext): Promise<SectionResult> {
  const notes: string[] = [];
  const family = fullRankNormal({ parametrisation: 'indaba' });
  const cls = indabaDataset('classification');
  const Xc = affineBasis(cls.x);
  const out = indabaDataset('outlier');
  const Xo = affineBasis(out.x);
  const priors = [isotropicPrior(1), isotropicPrior(3), isotropicPrior(LOGISTIC_ALPHA)];
  const [prior1, prior3, priorLogistic] = priors as [MultivariateNormalDiag, MultivariateNormalDiag, MultivariateNormalDiag];
  const disposables: tf.Tensor[] = [cls.x, cls.y, Xc, out.x, out.y, Xo];
  try {
    // (a) The ELBO assert: a Gaussian likelihood on the classification data, prior N(0, I), analytic KL.
    const assertTarget: SplitTarget = { logLikelihood: gaussianLogLik(Xc, cls.y), prior: prior1 };
    const qAssert: IndabaFullRankParams = { w: tf.tensor1d(ASSERT_Q.w), L_o: tf.tensor2d(ASSERT_Q.L_o), sig: tf.tensor1d(ASSERT_Q.sig) };
    disposables.push(qAssert.w, qAssert.L_o, qAssert.sig);
    let elboAssert: number;
    let elboSource: string;
    if (ctx.reference.elboEps !== undefined) {
      // elbo_eps.json is jax.random.normal(PRNGKey(0), (2, 1000)): one column per draw.
      const eps = tf.tidy(() => tf.transpose(tf.tensor2d(ctx.reference.elboEps!.eps)));
      const v = elbo(undefined, assertTarget, family, qAssert, { estimator: 'analyticKl', eps });
      elboAssert = (await values(v))[0]!;
      tf.dispose([eps, v]);
      elboSource = 'injected eps (elbo_eps.json)';
      ctx.print(`ELBO at the practical's q with the injected draws: ${fmt(elboAssert)} (the practical asserts -28.404984 within 1e-3)`);
    } else {
      const { value, terms } = elboTerms(ctx.key, assertTarget, family, qAssert, { estimator: 'analyticKl', numSamples: 1000 });
      elboAssert = (await values(value))[0]!;
      const t = await values(terms);
      tf.dispose([value, terms]);
      const mean = t.reduce((a, b) => a + b, 0) / t.length;
      const se = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / (t.length - 1) / t.length);
      elboSource = `probdl keys (elbo_eps.json not found), Monte Carlo standard error ${se.toFixed(3)}`;
      notes.push('Section 5: elbo_eps.json was not found, so the ELBO assert used probdl\'s own draws; compare it with the analytic −28.2176 within a few standard errors, not with −28.404984.');
      ctx.print(`ELBO at the practical's q with probdl's draws: ${fmt(elboAssert)} (analytic value -28.21757; standard error ${se.toFixed(3)})`);
    }

    // (b) VI on the linear model against the exact posterior (α = 3, noise variance 1).
    const exact = await blrPosterior(Xo, out.y, { alpha: 3, on: 'host' });
    const exactHost = await exact.toHost();
    const exactG: Gaussian2 = { mean: Array.from(exactHost.mean), cov: Array.from(exactHost.covariance.data) };
    // The practical: Adam(5e-3, b1 0.99), 1500 steps, 1000 draws. --quick: Adam(2e-2, b1 0.9), 500
    // steps, 100 draws (b1 0.99 at that rate overshoots and has not settled by 500 steps).
    const linSteps = ctx.quick ? 500 : 1500;
    const linLr = ctx.quick ? 2e-2 : 5e-3;
    const b1 = ctx.quick ? 0.9 : 0.99;
    const linSamples = ctx.quick ? 100 : 1000;
    const lin = await fitVi(foldIn(ctx.key, 1), { logLikelihood: gaussianLogLik(Xo, out.y), prior: prior3 }, family, {
      optimizer: adam(linLr, { b1 }),
      steps: linSteps,
      numSamples: linSamples,
      estimator: 'analyticKl',
      dim: 2,
    });
    const linQ = await qMoments(lin.params);
    const linElbo = tailMean(lin.history);
    const linKl = klGaussian2(linQ, exactG);
    ctx.print(`VI, linear model (alpha 3, ${linSteps} steps, ${linSamples} draws): q mean ${fmt(linQ.mean, 4)} vs exact ${fmt(exactG.mean, 4)}; q cov ${fmt(linQ.cov, 4)} vs exact ${fmt(exactG.cov, 4)}`);
    ctx.print(`  final ELBO (mean of the last 10% of steps) ${fmt(linElbo, 3)} vs log evidence ${fmt(exact.logEvidence, 3)}; KL(q || exact) ${linKl.toExponential(2)}`);

    // (c) VI on the logistic regression, against the Laplace approximation at the MAP.
    const logSteps = ctx.quick ? 500 : 2000;
    const logLr = ctx.quick ? 2e-2 : 5e-3;
    const logSamples = ctx.quick ? 50 : 100;
    const lg = await fitVi(foldIn(ctx.key, 2), { logLikelihood: bernoulliLogLik(Xc, cls.y), prior: priorLogistic }, family, {
      optimizer: adam(logLr, { b1 }),
      steps: logSteps,
      numSamples: logSamples,
      estimator: 'analyticKl',
      dim: 2,
    });
    const lgQ = await qMoments(lg.params);
    const lgElbo = tailMean(lg.history);
    const objective = logisticObjective(Xc, cls.y);
    const init = tf.zeros([2]);
    const map = await findMap(objective, init, { optimizer: adam(0.1), steps: 300 });
    const lap = await laplace(objective, map.position);
    const lapG: Gaussian2 = { mean: Array.from(lap.host.mean), cov: Array.from(lap.host.covariance.data) };
    tf.dispose([init, map.position]);
    ctx.print(`VI, logistic regression (alpha ${LOGISTIC_ALPHA}, ${logSteps} steps, ${logSamples} draws): q mean ${fmt(lgQ.mean, 4)}, cov ${fmt(lgQ.cov, 4)}; final ELBO ${fmt(lgElbo, 3)}`);
    ctx.print(`  Laplace at the MAP: mean ${fmt(lapG.mean, 4)}, cov ${fmt(lapG.cov, 4)}; KL(q || Laplace) ${klGaussian2(lgQ, lapG).toFixed(4)}`);

    // Samples for the figure.
    const n = 400;
    const draw = async (t: tf.Tensor, source: string) => {
      const v = await values(t);
      t.dispose();
      return Array.from({ length: n }, (_, i) => ({ a: v[2 * i]!, b: v[2 * i + 1]!, source }));
    };
    const qLin = family.distribution(lin.params);
    const qLog = family.distribution(lg.params);
    const linPts = [...(await draw(exact.samplePosterior(foldIn(ctx.key, 3), n), 'exact posterior')), ...(await draw(qLin.sample(foldIn(ctx.key, 4), [n]), 'VI q'))];
    const logPts = [...(await draw(lap.sample(foldIn(ctx.key, 5), n), 'Laplace at the MAP')), ...(await draw(qLog.sample(foldIn(ctx.key, 6), [n]), 'VI q'))];
    qLin.dispose();
    qLog.dispose();
    const logEvidence = exact.logEvidence;
    const laplaceLogEvidence = lap.logEvidence;
    exact.dispose();
    lap.dispose();
    tree.dispose([lin.params, lg.params]);
    return {
      metrics: {
        elboAssert: { value: elboAssert, source: elboSource, numSamples: 1000 },
        linear: {
          alpha: 3,
          steps: linSteps,
          learningRate: linLr,
          b1,
          numSamples: linSamples,
          qMean: linQ.mean,
          qCov: linQ.cov,
          exactMean: exactG.mean,
          exactCov: exactG.cov,
          finalElbo: linElbo,
          logEvidence,
          klToExact: linKl,
          elboWindowMeans: windowMeans(lin.history, 100),
        },
        logistic: { alpha: LOGISTIC_ALPHA, steps: logSteps, learningRate: logLr, numSamples: logSamples, qMean: lgQ.mean, qCov: lgQ.cov, finalElbo: lgElbo, laplaceMean: lapG.mean, laplaceCov: lapG.cov, laplaceLogEvidence },
      },
      figures: [
        {
          file: 'vi.svg',
          caption: 'Section 5: draws from the fitted full-rank Gaussian q against the exact posterior (linear model, α = 3) and against the Laplace approximation (logistic regression, α = 0.75).',
          spec: samplesSpec('Black-box VI with a full-rank Gaussian', [
            { title: 'linear regression (outlier data)', points: linPts, axes: ['w0', 'w1'] },
            { title: 'logistic regression', points: logPts, axes: ['w0', 'w1'] },
          ]),
        },
      ],
      notes,
    };
  } finally {
    tf.dispose(disposables);
    for (const p of priors) p.dispose();
  }
}
