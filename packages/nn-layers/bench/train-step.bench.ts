/**
 * Training throughput (samples/s) and peak memory of the cluster-mass MLP (14→128 relu→128
 * relu→64 tanh→1, MSE) and MDN (same trunk → Dense(48) → 16-component mixtureNormal head, NLL),
 * Adam, batch 512 and 4096, on each backend, with Dense's fused path (hand-written gradient; the
 * MDN also with the fused mixture NLL) and the unfused one (plain tfjs ops and tfjs's gradients;
 * the head's distribution + negativeLogLikelihood). Data: random, of the study's shape (261,287 ×
 * 14), device-resident, shuffled once per epoch, one slice per step (bench/support/training.ts).
 *
 * The fused cases have a PyTorch counterpart (bench/train_step.py: the same loop with
 * torch.optim.Adam, run where `import torch` works: PROBDL_PYTHON=/usr/bin/python3 for Debian's
 * python3-torch), so the table's probdl/PyTorch column is the issue's target (MDN on the best CPU
 * backend within 2× of PyTorch). One timed run is a few steps ending with an awaited loss; the
 * `[bench]` line of each case gives samples/s, seconds per epoch extrapolated from the median step
 * (ceil(rows / batch) steps) and the peak tensor bytes.
 *
 * NN_BENCH_EPOCH=1: every timed run is one whole epoch (and so is PyTorch's), for measured rather
 * than extrapolated epoch times; slow (minutes per case on cpu).
 */
import { defineBenchmarks, defineCase, type BenchCase, type BackendName } from '@probdl/bench';
import * as tf from '@tensorflow/tfjs-core';
import { ROWS, startTraining, type ModelName, type TrainingLoop, type TrainingSpec } from './support/training.js';

const FULL_EPOCH = process.env.NN_BENCH_EPOCH === '1';
/** The runner starts its backend before importing this file; items per run are fixed per case, so they depend on it. */
const BACKEND = ((tf.getBackend() as BackendName | null) ?? 'cpu') as BackendName;

/** Steps per timed run: enough that the final readback is a small part, few enough for seconds per case. */
function stepsPerRun(backend: BackendName, batch: number, fusedDense: boolean): number {
  if (backend === 'cpu') return 1;
  if (backend === 'webgpu') return batch >= 4096 ? 1 : 2;
  if (!fusedDense) return batch >= 4096 ? 1 : 3;
  return batch >= 4096 ? 2 : 10;
}

interface State {
  loop: TrainingLoop;
  steps: number;
  times: number[];
  cpuTimes: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

function trainCase(model: ModelName, batch: number, fusedDense: boolean, flatParams = false): BenchCase<State> {
  const spec: TrainingSpec = { model, batch, fusedDense, fusedLoss: fusedDense, flatParams };
  const path =
    (fusedDense ? (model === 'mdn' ? 'fused dense + fused NLL' : 'fused dense') : model === 'mdn' ? 'unfused dense + head NLL' : 'unfused dense') +
    (flatParams ? ' + flat params' : '');
  const epochSteps = Math.ceil(ROWS / batch);
  const steps = FULL_EPOCH ? Math.floor(ROWS / batch) : stepsPerRun(BACKEND, batch, fusedDense);
  const params: Record<string, string | number | boolean> = {
    model,
    layers: model === 'mlp' ? '14→128 relu→128 relu→64 tanh→1' : '14→128 relu→128 relu→64 tanh→48 (mixture of 16 normals)',
    loss: model === 'mlp' ? 'meanSquaredError' : fusedDense ? 'mixtureNormalNll (fused)' : 'mixtureNormal head + negativeLogLikelihood',
    dense: fusedDense ? 'fused' : 'unfused',
    optimizer: flatParams ? 'adam(1e-3) via makeTrainStep on tree.ravel(params)' : 'adam(1e-3) via makeTrainStep',
    batch,
    rows: ROWS,
    fullEpoch: FULL_EPOCH,
  };
  const c: BenchCase<State> = defineCase<State>({
    name: `${model} batch ${batch} ${path}`,
    unit: 'step',
    itemsPerRun: steps,
    sync: 'await the last loss of each timed run',
    params,
    timing: FULL_EPOCH
      ? { warmupRuns: 1, warmupMs: 0, minRuns: 2, minTimeMs: 0, maxRuns: 3, maxTimeMs: 600_000 }
      : BACKEND === 'cpu'
        ? // The cpu backend takes 0.3–5 s a step: a few steps say enough.
          { warmupRuns: 1, warmupMs: 0, minRuns: 2, minTimeMs: 0, maxRuns: 3, maxTimeMs: 6000 }
        : { warmupRuns: 2, warmupMs: 300, minRuns: 5, minTimeMs: 2000, maxTimeMs: 8000 },
    setup: (ctx) => {
      params[`${ctx.backend}:stepsPerRun`] = steps;
      return { loop: startTraining(spec), steps, times: [], cpuTimes: [] };
    },
    run: async ({ state }) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const loss = state.loop.steps(state.steps);
      await loss.data();
      loss.dispose();
      const c = process.cpuUsage(c0);
      state.times.push((performance.now() - t0) / state.steps);
      state.cpuTimes.push((c.user + c.system) / 1000 / state.steps);
    },
    teardown: ({ state, backend }) => {
      const stepMs = median(state.times);
      const figures = {
        stepMs: Number(fmt(stepMs)),
        cpuMsPerStep: Number(fmt(median(state.cpuTimes))),
        samplesPerSecond: Math.round((batch / stepMs) * 1000),
        secondsPerEpoch: Number(fmt((stepMs * epochSteps) / 1000)),
        peakTensorMB: Number(fmt(state.loop.peakTensorBytes / 2 ** 20)),
        processMaxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
      for (const [k, v] of Object.entries(figures)) params[`${backend}:${k}`] = v;
      process.stderr.write(
        `[bench] ${backend}: ${c.name}: ${fmt(stepMs)} ms/step (CPU time ${figures.cpuMsPerStep} ms), ${figures.samplesPerSecond} samples/s, ` +
          `${figures.secondsPerEpoch} s/epoch (${FULL_EPOCH ? 'whole epochs' : `extrapolated: ${epochSteps} steps`}), ` +
          `peak tensors ${figures.peakTensorMB} MB, process max RSS ${figures.processMaxRssMB} MB\n`,
      );
      state.loop.dispose();
    },
  });
  // The flat-params variant measures Adam's per-leaf kernels; it runs where speed is judged.
  if (flatParams) c.backends = ['wasm', 'webgpu'];
  if (fusedDense) {
    c.pytorch = { script: './train_step.py', args: { model, batch, steps: FULL_EPOCH ? Math.floor(ROWS / batch) : 10 } };
  }
  return c;
}

export default defineBenchmarks({
  package: '@probdl/nn-layers',
  description: 'Training steps (Adam) of the cluster-mass MLP and MDN, batch 512 and 4096, fused and unfused Dense, against PyTorch.',
  cases: [
    ...(['mdn', 'mlp'] as const).flatMap((model) => [512, 4096].flatMap((batch) => [trainCase(model, batch, true), trainCase(model, batch, false)])),
    trainCase('mdn', 512, true, true),
  ],
});
