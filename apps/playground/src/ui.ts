// The page's controller: the points, the chosen model, the training loop that redraws the band
// and the curve every few steps (or, for NUTS, one sampling run with its progress on the status
// line and the Stop button wired to an AbortSignal), and the state the browser test reads (body data attributes and
// window.__playground).
import * as tf from '@tensorflow/tfjs-core';
import { addPoint, defaultPoints, grid, removeNearest, type Point } from './data.js';
import { SampleAbortError, type Progress } from '@probdl/inference-hmc';
import { createTrainer, DEFAULT_KL_WEIGHT, PAGE_MODELS, PAGE_MODEL_LABELS, type PageModel, type Trainer } from './models.js';
import { fitNuts, NUTS_DEFAULTS } from './nuts-model.js';
import type { BandRow } from './band.js';
import { createFitPlot, createLossPlot, type LossRow } from './plots.js';

export interface PlaygroundState {
  status: 'starting' | 'ready' | 'training' | 'done' | 'error';
  backend?: string;
  adapter?: unknown;
  backendText?: string;
  model: PageModel;
  points: number;
  lastPoint?: Point;
  /** Losses per step (NUTS: −log density per draw, averaged over chains). */
  losses: number[];
  /** The step whose band is on screen (0: none yet). */
  bandStep: number;
  stepsPerSecond?: number;
  /** Web Workers the last NUTS run started (0: it ran in the page's thread). */
  nutsWorkers?: number;
  error?: string;
}

declare global {
  interface Window {
    __playground: PlaygroundState;
  }
}

const GRID = grid(80);

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** NUTS settings from the URL (chains, warmup, draws, workers); the rest of NUTS_DEFAULTS otherwise. */
export interface NutsSettings {
  numChains?: number;
  numWarmup?: number;
  numSamples?: number;
  /** Lockstep blocks in Web Workers (1: the page's thread). */
  workers?: number;
}

export function createPlayground(initial: { model: PageModel; steps: number; redrawEvery: number; klWeight: number; nuts?: NutsSettings }) {
  const state: PlaygroundState = { status: 'starting', model: initial.model, points: 0, losses: [], bandStep: 0 };
  window.__playground = state;
  const statusEl = $('status');
  const modelEl = $<HTMLSelectElement>('model');
  const stepsEl = $<HTMLInputElement>('steps');
  const trainEl = $<HTMLButtonElement>('train');
  const stopEl = $<HTMLButtonElement>('stop');
  const betaEl = $<HTMLInputElement>('beta');
  stepsEl.value = String(initial.steps);
  betaEl.value = String(initial.klWeight);
  for (const kind of PAGE_MODELS) modelEl.add(new Option(PAGE_MODEL_LABELS[kind], kind, false, kind === initial.model));

  let points: Point[] = defaultPoints();
  let trainer: Trainer | undefined;
  let running = false;
  let abort: AbortController | undefined;

  const setStatus = (status: PlaygroundState['status'], text: string) => {
    state.status = status;
    document.body.dataset.status = status;
    statusEl.textContent = text;
    statusEl.classList.toggle('error', status === 'error');
  };
  const fail = (error: unknown) => {
    running = false;
    state.error = String((error as Error)?.message ?? error);
    setStatus('error', `error: ${state.error}`);
    trainEl.disabled = false;
    stopEl.disabled = true;
  };

  const showPoints = () => {
    state.points = points.length;
    state.lastPoint = points.at(-1);
    return fit.setPoints(points);
  };
  const fit = createFitPlot($('fit'), (p, shift) => {
    points = shift ? removeNearest(points, p) : addPoint(points, p);
    showPoints().catch(fail);
  });
  const curve = createLossPlot($('loss'));

  /** One NUTS run on the points; resolves to false when Stop aborted it. */
  async function sampleNuts(): Promise<boolean> {
    const settings = { ...NUTS_DEFAULTS, ...initial.nuts };
    abort = new AbortController();
    state.model = 'nuts';
    state.losses = [];
    running = true;
    trainEl.disabled = true;
    stopEl.disabled = false;
    setStatus('training', `nuts: ${settings.numChains} chains, ${settings.numWarmup} warmup + ${settings.numSamples} draws on ${points.length} points…`);
    const latest: Progress[] = [];
    const progress = (p: Progress) => {
      latest[p.chain] = p;
      const all = latest.filter(Boolean);
      const mean = (f: (q: Progress) => number) => all.reduce((a, q) => a + f(q), 0) / all.length;
      const at = Math.min(...all.map((q) => q.iteration));
      statusEl.textContent =
        `nuts: ${p.phase} ${at}/${p.total} (${all.length} chains), step size ${mean((q) => q.stepSize).toPrecision(3)}, ` +
        `acceptance ${mean((q) => q.acceptanceRate).toFixed(2)}, tree depth ${mean((q) => q.treeDepth).toFixed(1)}, ` +
        `divergences ${all.reduce((a, q) => a + q.divergences, 0)}, ${mean((q) => q.drawsPerSecond).toFixed(1)} it/s`;
    };
    try {
      const fit = await fitNuts(points, { ...settings, seed: 0, progress, signal: abort.signal });
      const rows = fit.curve();
      state.losses = rows.map((r) => r.loss);
      await showNuts(fit.band(GRID), rows, fit.numDraws);
      state.stepsPerSecond = ((settings.numWarmup + settings.numSamples) * 1000) / fit.elapsedMs;
      state.nutsWorkers = fit.workersStarted;
      const where = fit.workersStarted > 0 ? ` in ${fit.workersStarted} Web Workers` : '';
      statusEl.textContent =
        `nuts: ${fit.numChains} chains × ${fit.numDraws} draws${where} in ${(fit.elapsedMs / 1000).toFixed(1)} s ` +
        `(${state.stepsPerSecond.toFixed(1)} it/s), ${fit.divergences} divergent, ${tf.memory().numTensors} tensors`;
      return true;
    } catch (error) {
      if (!(error instanceof SampleAbortError)) throw error;
      statusEl.textContent = `${statusEl.textContent ?? 'nuts'} — stopped`;
      return false;
    } finally {
      abort = undefined;
    }
  }

  async function showNuts(band: readonly BandRow[], rows: readonly LossRow[], step: number) {
    await fit.setBand(band);
    await curve.setLoss(rows, { x: 'draw', y: '−log density + const (mean of chains)' });
    state.bandStep = step;
    document.body.dataset.bandStep = String(step);
  }

  async function train(steps: number, model: PageModel): Promise<void> {
    if (points.length < 2) throw new Error('add at least 2 points first');
    trainer?.dispose();
    trainer = undefined;
    if (model === 'nuts') {
      const finished = await sampleNuts();
      running = false;
      trainEl.disabled = false;
      stopEl.disabled = true;
      setStatus('done', `${statusEl.textContent ?? ''}${finished ? ' — done' : ''}`);
      return;
    }
    const beta = Number(betaEl.value);
    trainer = createTrainer(model, points, { seed: 0, klWeight: Number.isFinite(beta) && beta >= 0 ? beta : DEFAULT_KL_WEIGHT });
    state.model = model;
    state.losses = [];
    running = true;
    trainEl.disabled = true;
    stopEl.disabled = false;
    setStatus('training', `training ${model} on ${points.length} points…`);
    const rows: LossRow[] = [];
    const started = performance.now();
    for (let i = 0; i < steps && running; i++) {
      const loss = await trainer.step();
      rows.push({ step: trainer.steps, loss });
      state.losses.push(loss);
      if (trainer.steps % initial.redrawEvery === 0 || i === steps - 1 || !running) {
        await fit.setBand(await trainer.band(GRID));
        await curve.setLoss(rows);
        state.bandStep = trainer.steps;
        document.body.dataset.bandStep = String(trainer.steps);
        state.stepsPerSecond = trainer.steps / ((performance.now() - started) / 1000);
        statusEl.textContent = `${model}: step ${trainer.steps}/${steps}, loss ${loss.toFixed(4)}, ${state.stepsPerSecond.toFixed(1)} steps/s (with redraws), ${tf.memory().numTensors} tensors`;
      }
    }
    running = false;
    trainEl.disabled = false;
    stopEl.disabled = true;
    setStatus('done', `${statusEl.textContent ?? ''} — done`);
  }

  trainEl.addEventListener('click', () => {
    train(Math.max(1, Math.floor(Number(stepsEl.value) || 1)), modelEl.value as PageModel).catch(fail);
  });
  stopEl.addEventListener('click', () => {
    running = false;
    abort?.abort();
  });
  $('reset').addEventListener('click', () => {
    points = defaultPoints();
    showPoints().catch(fail);
  });
  $('clear').addEventListener('click', () => {
    points = [];
    showPoints().catch(fail);
  });

  return {
    state,
    fail,
    async ready(backend: { name: string; adapter?: unknown; text: string; fallback: boolean }) {
      state.backend = backend.name;
      state.adapter = backend.adapter;
      state.backendText = backend.text;
      document.body.dataset.backend = backend.name;
      const el = $('backend');
      el.textContent = backend.text;
      el.classList.toggle('fallback', backend.fallback);
      await showPoints();
      setStatus('ready', 'ready: click Train');
    },
    train: (steps: number) => train(steps, state.model),
  };
}
