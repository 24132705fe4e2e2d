// The regression set: points in plot coordinates, the default set, and the standardisation the
// models train in. Pure functions, no tensors.

import { key, random } from '@probdl/tensor-backend';

const { normalHost } = random;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The plot's (and the click area's) axes. */
export const X_DOMAIN = [-5, 5] as const;
export const Y_DOMAIN = [-4, 4] as const;

/** Mean and standard deviation of x and y, to map between plot and training coordinates. */
export interface Scaling {
  readonly xMean: number;
  readonly xStd: number;
  readonly yMean: number;
  readonly yStd: number;
}

/** The default set's noise: standard-normal draws from a fixed key (the same set every time), clipped to ±2 and halved, so in [-1, 1]. */
function jitters(n: number): number[] {
  return Array.from(normalHost(key(24), [n]), (z) => Math.max(-2, Math.min(2, z)) / 2);
}

/**
 * The starting set, so the page trains without clicks: y = 1.5 sin(x) + noise growing with x, at
 * 24 points on both sides of a gap around x = 0 (where a good model's band widens).
 */
export function defaultPoints(): Point[] {
  const points: Point[] = [];
  const jitter = jitters(24);
  for (let i = 0; i < 24; i++) {
    const t = i / 23;
    const x = i < 12 ? -4.5 + 3.5 * (t * 2) : 1 + 3.5 * (t * 2 - 1);
    const noise = 0.15 + 0.12 * (x + 5);
    points.push({ x: round(x), y: round(1.5 * Math.sin(x) + noise * jitter[i]!) });
  }
  return points;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** A clicked point, kept only when it lies inside the plot's domain (and rounded to 3 decimals). */
export function addPoint(points: readonly Point[], p: Point): Point[] {
  const inside = p.x >= X_DOMAIN[0] && p.x <= X_DOMAIN[1] && p.y >= Y_DOMAIN[0] && p.y <= Y_DOMAIN[1];
  if (!inside || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return [...points];
  return [...points, { x: round(p.x), y: round(p.y) }];
}

/** The set without the point nearest to p (in units of the axes' ranges). */
export function removeNearest(points: readonly Point[], p: Point): Point[] {
  if (points.length === 0) return [];
  const sx = X_DOMAIN[1] - X_DOMAIN[0];
  const sy = Y_DOMAIN[1] - Y_DOMAIN[0];
  let best = 0;
  let bestD = Infinity;
  points.forEach((q, i) => {
    const d = ((q.x - p.x) / sx) ** 2 + ((q.y - p.y) / sy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return points.filter((_, i) => i !== best);
}

function meanStd(v: readonly number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  // A single point (or all on one x) has no spread: keep the scale 1 so nothing divides by zero.
  return [mean, variance > 1e-12 ? Math.sqrt(variance) : 1];
}

/** The set standardised for training (x and y to mean 0, sd 1), with the scaling to undo it. */
export function standardize(points: readonly Point[]): { x: Float32Array; y: Float32Array; scaling: Scaling } {
  if (points.length < 2) throw new Error(`need at least 2 points to fit, have ${points.length}`);
  const [xMean, xStd] = meanStd(points.map((p) => p.x));
  const [yMean, yStd] = meanStd(points.map((p) => p.y));
  return {
    x: Float32Array.from(points, (p) => (p.x - xMean) / xStd),
    y: Float32Array.from(points, (p) => (p.y - yMean) / yStd),
    scaling: { xMean, xStd, yMean, yStd },
  };
}

/** n evenly spaced x values across the domain (the band's grid), in plot coordinates. */
export function grid(n: number, domain: readonly [number, number] = X_DOMAIN): number[] {
  if (!(n >= 2)) throw new Error(`grid: need n >= 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => domain[0] + ((domain[1] - domain[0]) * i) / (n - 1));
}
