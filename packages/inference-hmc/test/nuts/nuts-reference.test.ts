import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { ChainRandomness } from '../../src/kernels/nuts/chain-randomness.js';
import { nutsTransition } from '../../src/kernels/nuts/nuts.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import { disposeState } from './helpers.js';

// The trajectory length of NUTS (steps, depth, divergence) does not depend on which point is
// sampled, only on the initial momentum, the directions and the termination rules. A host float64
// transcription of Stan's recursive build_tree (with the 2.21 checks across merged subtrees, and
// the centred criterion of the metric) fed the same momenta and directions must agree exactly.
const scales = [0.5, 1, 2, 1, 0.8];
const D = scales.length;
const invMass = [0.3, 1, 3, 1, 0.7];

const logpHost = (x: number[]) => x.reduce((a, v, i) => a - (0.5 * v * v) / scales[i]! ** 2 - 0.05 * v ** 4, 0);
const gradHost = (x: number[]) => x.map((v, i) => -v / scales[i]! ** 2 - 0.2 * v ** 3);
const kinetic = (p: number[]) => p.reduce((a, v, i) => a + 0.5 * v * v * invMass[i]!, 0);
const sharp = (p: number[]) => p.map((v, i) => v * invMass[i]!);
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);
// The metric's criterion: turning when either end's velocity has non-positive product with
// ρ − (p⁻ + p⁺)/2. Stan's persistence is its negation.
const persists = (pl: number[], pr: number[], rho: number[]) => {
  const c = rho.map((v, i) => v - (pl[i]! + pr[i]!) / 2);
  return dot(sharp(pl), c) > 0 && dot(sharp(pr), c) > 0;
};

interface Point {
  x: number[];
  p: number[];
  g: number[];
}

function leapfrog(z: Point, eps: number): Point {
  const ph = z.p.map((v, i) => v + 0.5 * eps * z.g[i]!);
  const x = z.x.map((v, i) => v + eps * ph[i]! * invMass[i]!);
  const g = gradHost(x);
  return { x, p: ph.map((v, i) => v + 0.5 * eps * g[i]!), g };
}

interface Built {
  valid: boolean;
  end: Point;
  rho: number[];
  pBeg: number[];
  pEnd: number[];
}

function reference(x0: number[], p0: number[], eps: number, directions: (j: number) => number, maxDepth: number) {
  const h0 = kinetic(p0) - logpHost(x0);
  let steps = 0;
  let divergent = false;
  const build = (z: Point, depth: number, e: number): Built => {
    if (depth === 0) {
      const n = leapfrog(z, e);
      steps++;
      let h = kinetic(n.p) - logpHost(n.x);
      if (Number.isNaN(h)) h = Infinity;
      if (h - h0 > 1000) {
        divergent = true;
        return { valid: false, end: n, rho: n.p, pBeg: n.p, pEnd: n.p };
      }
      return { valid: true, end: n, rho: n.p, pBeg: n.p, pEnd: n.p };
    }
    const a = build(z, depth - 1, e);
    if (!a.valid) return a;
    const b = build(a.end, depth - 1, e);
    if (!b.valid) return b;
    const rho = add(a.rho, b.rho);
    const ok = persists(a.pBeg, b.pEnd, rho) && persists(a.pBeg, b.pBeg, add(a.rho, b.pBeg)) && persists(a.pEnd, b.pEnd, add(b.rho, a.pEnd));
    return { valid: ok, end: b.end, rho, pBeg: a.pBeg, pEnd: b.pEnd };
  };
  const start: Point = { x: x0, p: p0, g: gradHost(x0) };
  let left = start;
  let right = start;
  let rho = p0;
  let depth = 0;
  while (depth < maxDepth) {
    const dir = directions(depth);
    const from = dir > 0 ? right : left;
    const sub = build(from, depth, dir * eps);
    if (!sub.valid) break;
    depth++;
    if (dir > 0) right = sub.end;
    else left = sub.end;
    const ok = persists(left.p, right.p, add(rho, sub.rho)) && persists(dir > 0 ? left.p : right.p, sub.pBeg, add(rho, sub.pBeg)) && persists(from.p, sub.pEnd, add(sub.rho, from.p));
    rho = add(rho, sub.rho);
    if (!ok) break;
  }
  return { steps, depth, divergent };
}

it('stops every chain where a float64 recursive Stan build_tree stops', async () => {
  const C = 48;
  const maxTreeDepth = 7;
  const k = key(81);
  const x0 = random.normal(key(82), [C, D]);
  const stepSize = Float64Array.from({ length: C }, (_, c) => 0.04 + (c % 12) * 0.05);
  const logp = (x: tf.Tensor) =>
    tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.div(x, tf.tensor1d(scales))), -1)), tf.mul(0.05, tf.sum(tf.pow(x, 4), -1))));
  const state = stateAt(logp, x0);
  const inverseMassMatrix = tf.tensor1d(invMass);
  const chainKeys = Array.from({ length: C }, (_, c) => foldIn(k, c));
  const [next, info] = await nutsTransition(chainKeys, state, logp, { stepSize, inverseMassMatrix }, { maxTreeDepth });
  const xs = await x0.data();
  let maxDepthSeen = 0;
  for (let c = 0; c < C; c++) {
    const rand = new ChainRandomness([chainKeys[c]!]);
    const z = rand.normals(D);
    const p0 = Array.from(z, (v, i) => v / Math.sqrt(invMass[i]!));
    const dirs = (j: number) => {
      rand.startDoubling(j, [1]);
      return rand.directions()[0]!;
    };
    const ref = reference(Array.from(xs.subarray(c * D, (c + 1) * D)), p0, Math.fround(stepSize[c]!), dirs, maxTreeDepth);
    expect({ c, steps: info.numIntegrationSteps[c], depth: info.treeDepth![c], divergent: info.isDivergent[c] }).toEqual({
      c,
      steps: ref.steps,
      depth: ref.depth,
      divergent: ref.divergent ? 1 : 0,
    });
    maxDepthSeen = Math.max(maxDepthSeen, ref.depth);
  }
  // The comparison covers deep trees (several levels of in-subtree checks).
  expect(maxDepthSeen).toBeGreaterThanOrEqual(5);
  disposeState(state);
  disposeState(next);
  tf.dispose([x0, inverseMassMatrix]);
});
