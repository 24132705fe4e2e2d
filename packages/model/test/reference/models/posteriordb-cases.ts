import * as tf from '@tensorflow/tfjs-core';
import { loadReference } from '@probdl/vitest-config/reference';
import type { Model } from '../../../src/index.js';
import type { HostPosterior, HostValues } from '../host/layout.js';
import { arKHost, earningsHost, eightSchoolsHost, kidiqHost, sblrcHost } from '../host/posteriordb.js';
import { arK } from './ark.js';
import { earningsLogearnHeight } from './earnings-logearn-height.js';
import { eightSchoolsNoncentered } from './eight-schools-noncentered.js';
import { kidiqKidscoreMomiq } from './kidiq-kidscore-momiq.js';
import { sblrcBlr } from './sblrc-blr.js';

/** The posteriordb posteriors that the reference tests read (folders of ../shared/reference/posteriordb). */
export const POSTERIORS = [
  'eight_schools-eight_schools_noncentered',
  'arK-arK',
  'kidiq-kidscore_momiq',
  'earnings-logearn_height',
  'sblrc-blr',
] as const;
export type PosteriorName = (typeof POSTERIORS)[number];

/** One posterior: the probdl model, its data as tensors, the float64 host density and the reference means. */
export interface PosteriorCase {
  readonly name: PosteriorName;
  readonly model: Model<any[]>;
  /** The model's arguments (tensors the case owns: call `dispose`). */
  readonly args: unknown[];
  readonly host: HostPosterior;
  /** The reference posterior mean as constrained values, in the host layout (flat blocks). */
  readonly mean: HostValues;
  /** A scale per unconstrained coordinate (about the posterior sd there), for perturbed points. */
  readonly unconstrainedScale: number[];
  dispose(): void;
}

interface Summary {
  params: Record<string, { mean: number; sd: number }>;
}

/** `name[i]` (1-based) or `name` → [name, 0-based index]. */
function parseDrawName(key: string): [string, number] {
  const m = /^(\w+)\[(\d+)\]$/.exec(key);
  return m ? [m[1]!, Number(m[2]) - 1] : [key, 0];
}

/** Summary entries grouped into host blocks: {name: [stat per index]}. */
function blocks(summary: Summary, stat: 'mean' | 'sd'): HostValues {
  const out: HostValues = {};
  for (const [key, s] of Object.entries(summary.params)) {
    const [name, i] = parseDrawName(key);
    (out[name] ??= [])[i] = s[stat];
  }
  return out;
}

function build(name: PosteriorName, data: any, summary: Summary): Omit<PosteriorCase, 'name' | 'dispose' | 'unconstrainedScale'> & { sd: HostValues } {
  const mean = blocks(summary, 'mean');
  const sd = blocks(summary, 'sd');
  switch (name) {
    case 'eight_schools-eight_schools_noncentered': {
      // The draws hold theta = mu + tau * theta_trans, not theta_trans: the test point maps the means back.
      const mu = mean.mu![0]!;
      const tau = mean.tau![0]!;
      const thetaTrans = mean.theta!.map((t) => (t - mu) / tau);
      return {
        model: eightSchoolsNoncentered,
        args: [tf.tensor1d(data.sigma), tf.tensor1d(data.y)],
        host: eightSchoolsHost(data),
        mean: { theta_trans: thetaTrans, mu: [mu], tau: [tau] },
        sd: { theta_trans: thetaTrans.map(() => 1), mu: sd.mu!, tau: sd.tau! },
      };
    }
    case 'arK-arK':
      return { model: arK, args: [data.K, tf.tensor1d(data.y)], host: arKHost(data), mean, sd };
    case 'kidiq-kidscore_momiq':
      return { model: kidiqKidscoreMomiq, args: [tf.tensor1d(data.mom_iq), tf.tensor1d(data.kid_score)], host: kidiqHost(data), mean, sd };
    case 'earnings-logearn_height':
      return { model: earningsLogearnHeight, args: [tf.tensor1d(data.height), tf.tensor1d(data.earn)], host: earningsHost(data), mean, sd };
    case 'sblrc-blr':
      return { model: sblrcBlr, args: [tf.tensor2d(data.X), tf.tensor1d(data.y)], host: sblrcHost(data), mean, sd };
  }
}

/** Every number of a JSON value rounded to float32 (integers such as N, K stay exact). */
function toFloat32(x: unknown): any {
  if (typeof x === 'number') return Math.fround(x);
  if (Array.isArray(x)) return x.map(toFloat32);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toFloat32(v)]));
  return x;
}

/** Loads a posterior's case; undefined (the test skips) when ../shared/reference is missing outside CI. */
export function loadPosteriorCase(name: PosteriorName): PosteriorCase | undefined {
  const data = loadReference(`posteriordb/${name}/data.json`);
  const summary = loadReference<Summary>(`posteriordb/${name}/reference_summary.json`);
  if (data === undefined || summary === undefined) return undefined;
  // The host reads the data as the device holds it (rounded to float32), so that the comparison
  // measures arithmetic round-off only, not the rounding of the inputs.
  const c = build(name, toFloat32(data), summary);
  // sd of log(x) is about sd(x) / mean(x) for a positive parameter.
  const unconstrainedScale = c.host.params.flatMap((p) => c.sd[p.name]!.map((s, i) => (p.positive ? s / c.mean[p.name]![i]! : s)));
  return {
    name,
    model: c.model,
    args: c.args,
    host: c.host,
    mean: c.mean,
    unconstrainedScale,
    dispose: () => tf.dispose(c.args.filter((a): a is tf.Tensor => a instanceof tf.Tensor)),
  };
}

/** Host values as the model's site values: a block of one entry is a scalar site (all such sites here are scalars). */
export function toSiteValues(values: HostValues): Record<string, number | number[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

/** Fixed perturbation pattern (no randomness): coordinate i moves by PATTERN[i % 5] scales. */
const PATTERN = [1, -1, 0.5, -2, 1.5];

/** The unconstrained reference mean, and points `mean + k · pattern · scale` for k = 1 and -2. */
export function testPositions(c: PosteriorCase): { label: string; u: number[] }[] {
  const u0 = c.host.unconstrain(c.mean);
  const move = (k: number) => u0.map((x, i) => x + k * PATTERN[i % PATTERN.length]! * c.unconstrainedScale[i]!);
  return [
    { label: 'reference mean', u: u0 },
    { label: 'mean + 1 sd pattern', u: move(1) },
    { label: 'mean - 2 sd pattern', u: move(-2) },
  ];
}
