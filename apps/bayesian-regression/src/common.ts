import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { TopLevelSpec } from '@probdl/app-kit/plots';
import type { PRNGKey } from '@probdl/tensor-backend';

/** What every section gets. */
export interface SectionContext {
  /** The small configuration (tests, CI). */
  readonly quick: boolean;
  readonly seed: number;
  /** This section's key: `foldIn(key(seed), sectionNumber)`. */
  readonly key: PRNGKey;
  /** The practical's reference inputs (S, u of the Fourier basis; the ELBO's eps), when found. */
  readonly reference: PracticalInputs;
  /** Prints one line of the section's key numbers (stdout). */
  readonly print: (line: string) => void;
}

/** A figure: a Vega-Lite spec rendered to `file` (SVG) by the report. */
export interface Figure {
  readonly file: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** What a section returns: its numbers (metrics.json), figures, the lines it printed and notes. */
export interface SectionResult {
  readonly metrics: Record<string, unknown>;
  readonly figures: Figure[];
  readonly notes: string[];
}

export type Section = (ctx: SectionContext) => Promise<SectionResult>;

/** The practical's own random inputs, read from ../shared/reference/indaba-bdl when present. */
export interface PracticalInputs {
  /** The random Fourier basis of PRNGKey(42): S (500 frequencies) and u (500 phases). */
  readonly fourier?: { S: number[]; u: number[]; path: string };
  /** The 2 × 1000 standard-normal draws of the ELBO assert (one column per draw). */
  readonly elboEps?: { eps: number[][]; path: string };
  /** Where they were looked for. */
  readonly dir: string;
}

/** The repo root: the nearest folder upwards that holds pnpm-workspace.yaml. */
function repoRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The reference folder: `PROBDL_REFERENCE_DIR`, else `../shared/reference` beside the repo root
 * (as @probdl/vitest-config's loadReference looks); files are read in place, never copied.
 */
export function referenceDir(): string {
  if (process.env.PROBDL_REFERENCE_DIR) return resolve(process.env.PROBDL_REFERENCE_DIR);
  const root = repoRoot(dirname(fileURLToPath(import.meta.url))) ?? process.cwd();
  return join(root, '..', 'shared', 'reference');
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the reference file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Loads S, u and the ELBO's eps; a missing file is undefined (the sections then draw from keys and say so). */
export function loadPracticalInputs(dir = join(referenceDir(), 'indaba-bdl')): PracticalInputs {
  const fourierPath = join(dir, 'fourier_basis_S_u.json');
  const epsPath = join(dir, 'elbo_eps.json');
  let fourier: PracticalInputs['fourier'];
  let elboEps: PracticalInputs['elboEps'];
  if (existsSync(fourierPath)) {
    const f = readJson(fourierPath) as { S?: unknown; u?: unknown };
    if (!Array.isArray(f.S) || !Array.isArray(f.u) || f.S.length !== f.u.length) throw new Error(`${fourierPath}: expected arrays S and u of one length`);
    fourier = { S: f.S as number[], u: f.u as number[], path: fourierPath };
  }
  if (existsSync(epsPath)) {
    const e = readJson(epsPath) as { eps?: unknown };
    if (!Array.isArray(e.eps) || e.eps.length !== 2) throw new Error(`${epsPath}: expected eps as 2 rows of draws`);
    elboEps = { eps: e.eps as number[][], path: epsPath };
  }
  return { fourier, elboEps, dir };
}

/** Reads a tensor back as plain numbers (float64 on the host). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/** `n` evenly spaced numbers from `a` to `b`. */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/** [l0], mean(l1..l_k), mean(l_{k+1}..l_2k), ...: the notebook's logged window means of an objective. */
export function windowMeans(series: ArrayLike<number>, every: number): number[] {
  if (series.length === 0) return [];
  const out = [Number(series[0])];
  for (let start = 1; start + every <= series.length; start += every) {
    let s = 0;
    for (let i = start; i < start + every; i++) s += Number(series[i]);
    out.push(s / every);
  }
  return out;
}

/** The mean of the last `fraction` of a series (a quieter "final" value of a noisy objective). */
export function tailMean(series: ArrayLike<number>, fraction = 0.1): number {
  const n = series.length;
  const k = Math.max(1, Math.floor(n * fraction));
  let s = 0;
  for (let i = n - k; i < n; i++) s += Number(series[i]);
  return s / k;
}

/** Fixed-width formatting of a number or a list of them. */
export function fmt(v: number | readonly number[], digits = 6): string {
  if (typeof v === 'number') return Number.isFinite(v) ? v.toFixed(digits) : String(v);
  return `[${v.map((x) => fmt(x, digits)).join(', ')}]`;
}

/** Moments of a Gaussian on the host. */
export interface Gaussian2 {
  readonly mean: number[];
  /** Row-major D × D. */
  readonly cov: number[];
}

/** KL(p ‖ q) between two Gaussians of dimension 2 (host float64). */
export function klGaussian2(p: Gaussian2, q: Gaussian2): number {
  const [a, b, , d] = q.cov as [number, number, number, number];
  const det = a * d - b * b;
  const inv = [d / det, -b / det, -b / det, a / det];
  const [pa, pb, , pd] = p.cov as [number, number, number, number];
  const trace = inv[0]! * pa + 2 * inv[1]! * pb + inv[3]! * pd;
  const dm = [q.mean[0]! - p.mean[0]!, q.mean[1]! - p.mean[1]!];
  const maha = dm[0]! * (inv[0]! * dm[0]! + inv[1]! * dm[1]!) + dm[1]! * (inv[2]! * dm[0]! + inv[3]! * dm[1]!);
  const detP = pa * pd - pb * pb;
  return 0.5 * (trace + maha - 2 + Math.log(det / detP));
}
