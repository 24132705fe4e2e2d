// The page's controller: the points, the chosen model, the training loop that redraws the band
// and the curve every few steps, and the state the browser test reads (body data attributes and
// window.__playground).
import * as tf from '@tensorflow/tfjs-core';
import { addPoint, defaultPoints, grid, removeNearest, type Point } from './data.js';
import { createTrainer, DEFAULT_KL_WEIGHT, MODEL_KINDS, MODEL_LABELS, type ModelKind, type Trainer } from './models.js';
import { createFitPlot, createLossPlot, type LossRow } from './plots.js';

export interface PlaygroundState {
  status: 'starting' | 'ready' | 'training' | 'done' | 'error';
  backend?: string;
  adapter?: unknown;
  backendText?: string;
  model: ModelKind;
  points: number;
  lastPoint?: Point;
  losses: number[];
  /** The step whose band is on screen (0: none yet). */
  bandStep: number;
  stepsPerSecond?: number;
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

export function createPlayground(initial: { model: ModelKind; steps: number; redrawEvery: number; klWeight: number }) {
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
  for (const kind of MODEL_KINDS) modelEl.add(new Option(MODEL_LABELS[kind], kind, false, kind === initial.model));

  let points: Point[] = defaultPoints();
  let trainer: Trainer | undefined;
  let running = false;

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

  async function train(steps: number, model: ModelKind): Promise<void> {
    if (points.length < 2) throw new Error('add at least 2 points first');
    trainer?.dispose();
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
    train(Math.max(1, Math.floor(Number(stepsEl.value) || 1)), modelEl.value as ModelKind).catch(fail);
  });
  stopEl.addEventListener('click', () => {
    running = false;
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
