import { access, constants, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, initBackend, key, tree, type BackendName, type Tree } from '@probdl/tensor-backend';
import { clusterCatalogue, loadClusterMassFits, prepareClusterMass, type ClusterCatalogue, type PreparedClusterMass } from '@probdl/datasets';
import { meanSquaredError, mixtureNormal, mixtureNormalNll, mlp, probabilisticMlp, saveParams } from '@probdl/nn-layers';
import { PhaseTimer, writeFileAtomic } from '@probdl/app-kit';
import { renderSvg } from '@probdl/app-kit/plots';
import { FULL_ROWS, TUTORIAL_TRAIN_ROWS, type StudyOptions } from './args.js';
import { METHODS, METHOD_LABELS, TUTORIAL_GRID, binnedResiduals, fitMSigma, predictMdn, predictMse, rangeResiduals, type BinnedStats, type Method } from './evaluate.js';
import { biasScatterSpec, posteriorSpec, predictionSpec, svgToPng, trainingSpec } from './plots.js';
import { silentProgress, type ProgressFactory } from './progress.js';
import { reportHtml } from './report.js';
import { trainNetwork, type EpochBudget, type NetworkSpec, type TrainOutcome } from './train.js';

/** Mixture components of the MDN head (the tutorial's 16). */
export const COMPONENTS = 16;
/** The tutorial's trunk: 128 relu → 128 relu → 64 tanh. */
export const TRUNK = [128, 128, 64] as const;
const ACTIVATIONS = ['relu', 'relu', 'tanh', 'identity'] as const;

/** Where the study sends its messages; the CLI prints them, tests collect or drop them. */
export interface StudyIo {
  readonly log: (line: string) => void;
  readonly progress: ProgressFactory;
}

export interface StudyResult {
  /** 'stopped' when `--stop-after-epoch` ended the run before the report (checkpoints are written). */
  readonly status: 'done' | 'stopped';
  readonly out: string;
  readonly backend: string;
  readonly training: { readonly mse: TrainSummary; readonly mdn?: TrainSummary };
  /** The parsed metrics.json (status 'done' only). */
  readonly metrics?: Metrics;
  readonly timings: { phase: string; seconds: number }[];
  readonly timingTable: string;
}

export interface TrainSummary {
  readonly epochsRun: number[];
  readonly resumedFrom: number;
  readonly history: TrainOutcome['history'];
}

export type Metrics = Record<string, unknown> & {
  summary: Record<string, Record<Method, { n: number; bias: number | null; scatter: number | null; halfWidth68: number | null }>>;
  bins: { lo: number; hi: number; stats: Record<Method, { n: number; bias: number | null; scatter: number | null }> }[];
  timings: { phase: string; seconds: number }[];
};

/** Resolves the backend preference of `--backend`. */
function backendPreference(choice: StudyOptions['backend']): BackendName[] {
  return choice === 'auto' ? ['webgpu', 'wasm', 'cpu'] : [choice];
}

async function loadCatalogue(options: StudyOptions): Promise<{ catalogue: ClusterCatalogue; source: string }> {
  if (options.data !== undefined) {
    const path = resolve(options.data);
    try {
      await access(path, constants.R_OK);
    } catch (e) {
      throw new Error(`--data: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let full: ClusterCatalogue;
    try {
      full = await loadClusterMassFits(path);
    } catch (e) {
      throw new Error(`--data: ${path} is not a readable cluster-mass FITS table: ${(e as Error).message}`);
    }
    const rows = Math.min(options.rows ?? full.count, full.count);
    if (rows === full.count) return { catalogue: full, source: path };
    const F = full.columns.length;
    return {
      catalogue: { count: rows, columns: full.columns, features: full.features.slice(0, rows * F), logMass: full.logMass.slice(0, rows) },
      source: `${path} (first ${rows} rows)`,
    };
  }
  const rows = options.rows ?? FULL_ROWS;
  return { catalogue: clusterCatalogue(foldIn(key(options.seed), 0), { count: rows }), source: `synthetic (clusterCatalogue, seed ${options.seed})` };
}

/** Test clusters to show p(M | x) for: the ones whose true mass is nearest to a few targets. */
function pickShowRows(logMassTest: Float64Array): number[] {
  const rows: number[] = [];
  for (const target of [13.7, 14.2, 14.6, 15.0]) {
    let best = -1;
    for (let i = 0; i < logMassTest.length; i++) {
      if (rows.includes(i)) continue;
      if (best < 0 || Math.abs(logMassTest[i]! - target) < Math.abs(logMassTest[best]! - target)) best = i;
    }
    if (best >= 0) rows.push(best);
  }
  return rows;
}

/** `a + b` or `a − |b|` with 3 decimals. */
const line = (f: { intercept: number; slope: number }): string => `${f.intercept.toFixed(3)} ${f.slope < 0 ? '−' : '+'} ${Math.abs(f.slope).toFixed(3)}`;

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function statsJson(b: BinnedStats) {
  const out = {} as Record<Method, { n: number; bias: number | null; scatter: number | null; halfWidth68: number | null }>;
  for (const m of METHODS) {
    const s = b.stats[m];
    out[m] = { n: s.n, bias: finiteOrNull(s.bias), scatter: finiteOrNull(s.scatter), halfWidth68: finiteOrNull(s.halfWidth68) };
  }
  return out;
}

/** Every `k`-th index so that about `max` remain (for scatter plots of 61k points). */
function thin(n: number, max: number): number[] {
  const k = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += k) out.push(i);
  return out;
}

/**
 * The cluster-mass study end to end: catalogue → split and scaling → MSE network → MDN → test-set
 * predictions → prior reweighting → M–σ baselines → bias and scatter per mass bin → the report in
 * `options.out` (index.html, metrics.json, SVG and PNG plots, the trained parameters).
 */
export async function runStudy(options: StudyOptions, io: StudyIo = { log: () => {}, progress: silentProgress }): Promise<StudyResult> {
  const timer = new PhaseTimer();
  const out = resolve(options.out);
  const checkpoints = join(out, 'checkpoints');
  try {
    await mkdir(checkpoints, { recursive: true });
    await mkdir(join(out, 'models'), { recursive: true });
    await access(out, constants.W_OK);
  } catch (e) {
    throw new Error(`--out: cannot write to ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  const report = await timer.time('backend', () => initBackend({ prefer: backendPreference(options.backend) }));
  const backend = report.backend;
  const skipped = report.attempts.filter((a) => !a.ok).map((a) => `${a.backend} (${a.reason.split('\n')[0]})`);
  io.log(`backend: ${backend}${report.adapter ? ` on ${report.adapter.description ?? report.adapter.vendor ?? 'an adapter'}` : ''}${skipped.length ? `; not started: ${skipped.join('; ')}` : ''}`);

  const { catalogue, source } = await timer.time('catalogue', () => loadCatalogue(options));
  io.log(`catalogue: ${catalogue.count.toLocaleString('en-US')} clusters, ${source}`);
  const trainSize = Math.min(catalogue.count - 1, Math.max(1, Math.round((catalogue.count * TUTORIAL_TRAIN_ROWS) / FULL_ROWS)));
  const data: PreparedClusterMass = await timer.time('split and scaling', () => prepareClusterMass(catalogue, foldIn(key(options.seed), 1), { trainSize }));
  const params: { mse?: Tree; mdn?: Tree } = {};
  try {
    io.log(`split: ${trainSize.toLocaleString('en-US')} train / ${(catalogue.count - trainSize).toLocaleString('en-US')} test; log M in [${data.logMassRange.min.toFixed(3)}, ${data.logMassRange.max.toFixed(3)}]`);
    const config = { source, rows: catalogue.count, seed: options.seed, trainSize };
    const budget: EpochBudget = { remaining: options.stopAfterEpoch };

    const mseBody = mlp([...TRUNK, 1], { activations: ACTIVATIONS });
    const mseSpec: NetworkSpec = {
      name: 'mse',
      label: 'MSE network',
      module: mseBody,
      loss: (p, x, y) => meanSquaredError(mseBody.apply(p, x), y),
      lossSum: (p, x, y) => meanSquaredError(mseBody.apply(p, x), y, { reduction: 'sum' }),
      epochs: options.mseEpochs,
      // Tutorial: lr 1e-3 for epochs 0–1 of 5, then 1e-4.
      switchEpoch: Math.max(1, Math.round((2 / 5) * options.mseEpochs)),
    };
    const head = mixtureNormal(COMPONENTS, [1], { validateArgs: false });
    const mdn = probabilisticMlp(TRUNK, head, { activations: ACTIVATIONS });
    const mdnSpec: NetworkSpec = {
      name: 'mdn',
      label: 'MDN',
      module: mdn.body,
      // The fused NLL of nn-layers: the same number as negativeLogLikelihood(mdn.apply(p, x), y), one op.
      loss: (p, x, y) => mixtureNormalNll(mdn.body.apply(p, x), y, { numComponents: COMPONENTS }) as tf.Scalar,
      lossSum: (p, x, y) => mixtureNormalNll(mdn.body.apply(p, x), y, { numComponents: COMPONENTS, reduction: 'sum' }) as tf.Scalar,
      epochs: options.mdnEpochs,
      // Tutorial: lr 1e-3 for epochs 0–4 of 10, then 1e-4.
      switchEpoch: Math.max(1, Math.round(options.mdnEpochs / 2)),
    };
    const train = (spec: NetworkSpec, k: number) =>
      trainNetwork({
        spec,
        data,
        key: foldIn(key(options.seed), k),
        batch: options.batch,
        checkpointPath: join(checkpoints, `${spec.name}.json`),
        config,
        resume: options.resume,
        budget,
        progress: io.progress,
        log: io.log,
      });
    const mseRun = await timer.time('train MSE network', () => train(mseSpec, 2));
    params.mse = mseRun.params;
    const summaryOf = (r: TrainOutcome): TrainSummary => ({ epochsRun: r.epochsRun, resumedFrom: r.resumedFrom, history: r.history });
    const stopped = (training: StudyResult['training']): StudyResult => {
      io.log(`stopped after ${options.stopAfterEpoch} epoch(s) as asked (--stop-after-epoch); checkpoints are in ${checkpoints}: run again with --resume to go on`);
      return { status: 'stopped', out, backend, training, timings: timer.phases, timingTable: timer.table() };
    };
    if (mseRun.stopped) return stopped({ mse: summaryOf(mseRun) });
    const mdnRun = await timer.time('train MDN', () => train(mdnSpec, 3));
    params.mdn = mdnRun.params;
    if (mdnRun.stopped) return stopped({ mse: summaryOf(mseRun), mdn: summaryOf(mdnRun) });

    await timer.time('save parameters', async () => {
      await saveParams(join(out, 'models', 'mse.safetensors'), params.mse, { metadata: { model: 'cluster-mass MSE MLP 14-128-128-64-1' } });
      await saveParams(join(out, 'models', 'mdn.safetensors'), params.mdn, { metadata: { model: `cluster-mass MDN 14-128-128-64-${mixtureNormal.paramsSize(COMPONENTS, [1])}, mixtureNormal(${COMPONENTS})` } });
    });

    // Predictions on the test set, the prior reweighting and the baselines.
    const truth = data.logMassTest;
    const showRows = pickShowRows(truth);
    const msePred = await timer.time('predict: MSE network', () => predictMse(mseBody, params.mse!, data));
    const mdnPred = await timer.time('predict: MDN on the mass grid', () => predictMdn({ body: mdn.body, head, params: params.mdn!, data, showRows }));
    const F = catalogue.columns.length;
    const sigmaCol = catalogue.columns.indexOf('Logsigv');
    const logSigma = (rows: Int32Array) => Float64Array.from(rows, (r) => catalogue.features[r * F + sigmaCol]!);
    const baseline = fitMSigma(logSigma(data.trainIndices), data.logMassTrain, logSigma(data.testIndices));
    const preds: Record<Method, Float64Array> = {
      mse: msePred,
      mdnMean: mdnPred.mean,
      mdnMode: mdnPred.mode,
      mdnModeReweighted: mdnPred.modeReweighted,
      mSigma: baseline.predDirect,
      mSigmaInverse: baseline.predInverse,
    };
    const bins = binnedResiduals(truth, preds);
    const summary = {
      '14-15': rangeResiduals(truth, preds, 14, 15),
      all: rangeResiduals(truth, preds, -Infinity, Infinity),
      'high-mass (>=14.5)': rangeResiduals(truth, preds, 14.5, Infinity),
    };

    // Plots: SVG from Vega-Lite, PNG from the SVG.
    const figures = await timer.time('plots', async () => {
      const shown = ['mse', 'mdnMean', 'mdnModeReweighted'] as const;
      const idx = thin(truth.length, 4000);
      const points = shown.flatMap((m) => idx.map((i) => ({ truth: truth[i]!, predicted: preds[m][i]!, method: METHOD_LABELS[m] })));
      const binRows = bins.flatMap((b) =>
        METHODS.filter((m) => b.stats[m].n >= 5).map((m) => ({ mass: (b.lo + Math.min(b.hi, 15.3)) / 2, method: METHOD_LABELS[m], bias: b.stats[m].bias, scatter: b.stats[m].scatter, n: b.stats[m].n })),
      );
      const curves = mdnPred.curves.flatMap((c) => {
        const name = `test cluster ${c.row}: true log M = ${truth[c.row]!.toFixed(2)}`;
        return [
          ...Array.from(mdnPred.grid, (m, g) => ({ cluster: name, mass: m, density: c.before[g]!, kind: 'p(M | x), MDN' })),
          ...Array.from(mdnPred.grid, (m, g) => ({ cluster: name, mass: m, density: c.after[g]!, kind: 'p(M | x) / p(M), reweighted' })),
          { cluster: name, mass: truth[c.row]!, density: 0, kind: 'true mass' },
        ];
      });
      const truths = mdnPred.curves.map((c) => ({ cluster: `test cluster ${c.row}: true log M = ${truth[c.row]!.toFixed(2)}`, truth: truth[c.row]! }));
      const trainingRows = [
        ...[
          ['MSE network (MSE of scaled y)', mseRun.history],
          ['MDN (negative log-likelihood of scaled y)', mdnRun.history],
        ].flatMap(([network, h]) =>
          (h as TrainOutcome['history']).flatMap((r) => [
            { network: network as string, epoch: r.epoch, loss: r.trainLoss, split: 'train' },
            { network: network as string, epoch: r.epoch, loss: r.testLoss, split: 'test' },
          ]),
        ),
      ];
      const specs = [
        { name: 'prediction', spec: predictionSpec(points, shown.map((m) => METHOD_LABELS[m])), caption: 'Predicted against true log mass on the test set, with the one-to-one line (every point up to 4,000 per panel).' },
        { name: 'bias-scatter', spec: biasScatterSpec(binRows), caption: 'Bias and scatter of ε per bin of true mass, for each estimator and the M–σ baselines (bins with at least 5 clusters).' },
        { name: 'posteriors', spec: posteriorSpec(curves, truths), caption: 'p(M | x) for a few test clusters from the MDN, before and after dividing by the training prior; the dashed line is the true mass.' },
        { name: 'training', spec: trainingSpec(trainingRows), caption: 'Training curves: the mean training loss of each epoch and the loss on the test set after it.' },
      ];
      const made: { file: string; svg: string; caption: string }[] = [];
      for (const s of specs) {
        const svg = await renderSvg(s.spec);
        await writeFileAtomic(join(out, `${s.name}.svg`), svg);
        await writeFileAtomic(join(out, `${s.name}.vl.json`), JSON.stringify(s.spec));
        await writeFileAtomic(join(out, `${s.name}.png`), svgToPng(svg));
        made.push({ file: `${s.name}.png`, svg: `${s.name}.svg`, caption: s.caption });
      }
      return made;
    });

    const notes = [
      `The MSE network and the MDN share the tutorial's trunk (14 → 128 relu → 128 relu → 64 tanh); the MDN's last layer gives the ${mixtureNormal.paramsSize(COMPONENTS, [1])} parameters of a ${COMPONENTS}-component mixture of normals over the min-max scaled log mass.`,
      `Adam, batch ${options.batch}${options.batch === 100 ? ' (the tutorial’s)' : ' (the tutorial uses 100)'}, learning rate 1e-3 then 1e-4 from epoch ${mseSpec.switchEpoch + 1} (MSE, ${options.mseEpochs} epochs) and ${mdnSpec.switchEpoch + 1} (MDN, ${options.mdnEpochs} epochs).`,
      `Reweighting: p(M | x) on ${mdnPred.grid.length} grid points of log M in [${mdnPred.grid[0]!.toFixed(3)}, ${mdnPred.grid[mdnPred.grid.length - 1]!.toFixed(3)}] (the tutorial's linspace(${TUTORIAL_GRID.from}, ${TUTORIAL_GRID.to}) within the training range) is divided by the 64-bin histogram prior of the training masses and its mode taken. ${mdnPred.emptyPriorPoints} grid point(s) fall in empty prior bins and are left out of the reweighted posterior.`,
      `M–σ baselines from the training clusters: log M = ${line(baseline.direct)} log σ_v (least squares of log M on log σ_v), and Ho et al.'s form, log σ_v = ${line(baseline.inverse)} log M fitted on ${baseline.inverse.clusters} clusters with 10^14 ≤ M < 10^15 and inverted.`,
      `Catalogue: ${source}.`,
    ];
    const metrics: Metrics = {
      study: 'cluster-mass',
      createdAt: new Date().toISOString(),
      backend,
      config: { ...config, mseEpochs: options.mseEpochs, mdnEpochs: options.mdnEpochs, batch: options.batch, mseSwitchEpoch: mseSpec.switchEpoch, mdnSwitchEpoch: mdnSpec.switchEpoch, learningRates: [1e-3, 1e-4], components: COMPONENTS },
      catalogue: { source, rows: catalogue.count, train: trainSize, test: catalogue.count - trainSize, logMassRange: data.logMassRange },
      training: {
        mse: { resumedFrom: mseRun.resumedFrom, epochsRun: mseRun.epochsRun, history: mseRun.history },
        mdn: { resumedFrom: mdnRun.resumedFrom, epochsRun: mdnRun.epochsRun, history: mdnRun.history },
      },
      grid: { from: mdnPred.grid[0], to: mdnPred.grid[mdnPred.grid.length - 1], points: mdnPred.grid.length, emptyPriorPoints: mdnPred.emptyPriorPoints },
      baseline: { direct: baseline.direct, inverse: baseline.inverse },
      methods: METHOD_LABELS,
      summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, statsJson(v)])),
      bins: bins.map((b) => ({ lo: b.lo, hi: b.hi, stats: statsJson(b) })),
      timings: [] as { phase: string; seconds: number }[],
    };
    await timer.time('report', async () => {
      // The report's own phase cannot be in its table: it is added to the printed table only.
      metrics.timings = timer.phases.map((p) => ({ ...p }));
      await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
      const html = reportHtml({
        title: 'Cluster masses from galaxy dynamics: MSE network, Mixture Density Network and M–σ',
        config: { catalogue: source, clusters: catalogue.count, 'train / test': `${trainSize} / ${catalogue.count - trainSize}`, seed: options.seed, backend, 'batch size': options.batch, 'MSE epochs': options.mseEpochs, 'MDN epochs': options.mdnEpochs },
        summary: [
          { label: '10^14 ≤ M < 10^15 (the pattern of Ho et al.’s table)', range: summary['14-15'] },
          { label: 'High-mass end, M ≥ 10^14.5', range: summary['high-mass (>=14.5)'] },
          { label: 'All test clusters', range: summary.all },
        ],
        bins,
        figures,
        timings: metrics.timings,
        notes,
      });
      await writeFileAtomic(join(out, 'index.html'), html);
    });
    return {
      status: 'done',
      out,
      backend,
      training: { mse: summaryOf(mseRun), mdn: summaryOf(mdnRun) },
      metrics,
      timings: timer.phases,
      timingTable: timer.table(),
    };
  } finally {
    data.dispose();
    tree.dispose([params.mse ?? [], params.mdn ?? []] as Tree);
  }
}
