import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { checkCount, normalHost } from './host-random.js';

/** A 2-D binary classification set. */
export interface Classification2D {
  /** Points, `[n, 2]` float32. */
  readonly x: tf.Tensor2D;
  /** Labels 0/1, `[n]` float32 (ready for a Bernoulli likelihood). */
  readonly y: tf.Tensor1D;
}

/** Options shared by the 2-D toy classification sets. */
export interface Toy2DOptions {
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
}

function checkNoise(fn: string, noise: number): void {
  if (!Number.isFinite(noise) || noise < 0) throw new RangeError(`${fn}: options.noise must be a finite number >= 0, got ${String(noise)}`);
}

const linspace = (a: number, b: number, m: number, endpoint: boolean): number[] =>
  Array.from({ length: m }, (_, i) => a + ((b - a) * i) / Math.max(1, endpoint ? m - 1 : m));

/** Adds noise (key `ke`), shuffles the rows (key `kp`), uploads. */
function finish(k: PRNGKey, pts: number[][], labels: number[], noise: number): Classification2D {
  const n = pts.length;
  const [ke, kp] = split(k, 2) as [PRNGKey, PRNGKey];
  const e = normalHost(ke, 2 * n);
  const order = random.permutationIndices(kp, n);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    x[2 * i] = pts[j]![0]! + noise * e[2 * j]!;
    x[2 * i + 1] = pts[j]![1]! + noise * e[2 * j + 1]!;
    y[i] = labels[j]!;
  }
  return { x: tf.tensor2d(x, [n, 2]), y: tf.tensor1d(y) };
}

/**
 * sklearn's `make_moons(n, noise=noise, shuffle=True)` recipe from a key: `floor(n/2)` points on the
 * upper half circle (label 0) and the rest on the shifted lower one, `(1 - cos t, 0.5 - sin t)` (label 1),
 * `t = linspace(0, pi)`; Gaussian noise of sd `noise` (default 0.1), then a seeded shuffle of the rows.
 */
export function twoMoons(k: PRNGKey, n: number, options: Toy2DOptions = {}): Classification2D {
  checkCount('twoMoons', 'n', n);
  const noise = options.noise ?? 0.1;
  checkNoise('twoMoons', noise);
  const nOut = Math.floor(n / 2);
  const pts: number[][] = [];
  const labels: number[] = [];
  for (const t of linspace(0, Math.PI, nOut, true)) {
    pts.push([Math.cos(t), Math.sin(t)]);
    labels.push(0);
  }
  for (const t of linspace(0, Math.PI, n - nOut, true)) {
    pts.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
    labels.push(1);
  }
  return finish(k, pts, labels, noise);
}

/** Options of {@link circles}. */
export interface CirclesOptions extends Toy2DOptions {
  /** Radius of the inner circle (the outer has radius 1), in (0, 1). Default 0.8. */
  factor?: number;
}

/**
 * sklearn's `make_circles(n, noise=noise, factor=factor)` recipe from a key: `floor(n/2)` points on the
 * unit circle (label 0) and the rest on a circle of radius `factor` (label 1), angles
 * `linspace(0, 2 pi)` without the endpoint; noise sd default 0.05; rows shuffled from the key.
 */
export function circles(k: PRNGKey, n: number, options: CirclesOptions = {}): Classification2D {
  checkCount('circles', 'n', n);
  const noise = options.noise ?? 0.05;
  const factor = options.factor ?? 0.8;
  checkNoise('circles', noise);
  if (!(factor > 0 && factor < 1)) throw new RangeError(`circles: options.factor must be in (0, 1), got ${String(factor)}`);
  const nOut = Math.floor(n / 2);
  const pts: number[][] = [];
  const labels: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOut, false)) {
    pts.push([Math.cos(t), Math.sin(t)]);
    labels.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, n - nOut, false)) {
    pts.push([factor * Math.cos(t), factor * Math.sin(t)]);
    labels.push(1);
  }
  return finish(k, pts, labels, noise);
}

/** Options of {@link spirals}. */
export interface SpiralsOptions extends Toy2DOptions {
  /** Turns of each arm. Default 1.5. */
  turns?: number;
}

/**
 * Two interleaved spiral arms from a key (our recipe): arm `c` (label `c`, `floor(n/2)` points for
 * arm 0) has angles `t = linspace(0.25, 1) * 2 pi turns`, radius `r = t / (2 pi turns)` (so up to 1),
 * points `r (cos(t + c pi), sin(t + c pi))`; noise sd default 0.03; rows shuffled from the key.
 */
export function spirals(k: PRNGKey, n: number, options: SpiralsOptions = {}): Classification2D {
  checkCount('spirals', 'n', n);
  const noise = options.noise ?? 0.03;
  const turns = options.turns ?? 1.5;
  checkNoise('spirals', noise);
  if (!(Number.isFinite(turns) && turns > 0)) throw new RangeError(`spirals: options.turns must be a positive number, got ${String(turns)}`);
  const nArm = [Math.floor(n / 2), n - Math.floor(n / 2)];
  const pts: number[][] = [];
  const labels: number[] = [];
  nArm.forEach((m, c) => {
    for (const s of linspace(0.25, 1, m, true)) {
      const t = s * 2 * Math.PI * turns;
      pts.push([s * Math.cos(t + c * Math.PI), s * Math.sin(t + c * Math.PI)]);
      labels.push(c);
    }
  });
  return finish(k, pts, labels, noise);
}
