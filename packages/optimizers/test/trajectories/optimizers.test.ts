/**
 * Every optimizer against an independent float64 recurrence (./reference.ts), 20 steps on an
 * ill-conditioned quadratic and on the Rosenbrock function, compared at every step.
 *
 * The device runs in float32 with gradients from valueAndGrad; the reference uses exact float64
 * gradients. Tolerances (|device − reference| ≤ atol + rtol·|reference| at every step and element):
 * one float32 rounding is ~6e-8 relative and a step does O(10) of them, so a single step agrees to
 * ~1e-6. Along a trajectory the differences are carried by the Jacobian of the step map: about 1 for
 * these stable learning rates, but larger for the adaptive methods where a gradient component
 * crosses zero and m/√v divides two tiny numbers. Measured worst cases (cpu and wasm alike): 7e-6
 * absolute for Adam-like methods on the quadratic's weakly curved direction (values ~2e-3), 1e-6
 * relative elsewhere. The parameters are of order 1, so we use rtol = 5e-5 and atol = 5e-5 (the
 * parameter scale times 5e-5): 7× above the worst case seen, while a wrong bias correction, eps
 * placement, order of operations or count (off by one) moves the iterates by 1e-3 or more within a
 * few steps. The Rosenbrock learning rates are kept small (curvature ~1300 at the start) so that its
 * trajectory stays in the stable regime where the same bound holds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { key, toFloat64Array, tree, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/apply-updates.js';
import type { GradientTransformation } from '../../src/types.js';
import { adabelief, adadelta, adagrad, adam, adamax, adamw, lamb, lion, nadam, noisySgd, radam, rmsprop, sgd } from '../../src/optimizers/index.js';
import { quadratic, rosenbrock, type Problem } from './problems.js';
import {
  refAdabelief,
  refAdadelta,
  refAdagrad,
  refAdamDirection,
  refAdamax,
  refLamb,
  refLion,
  refNoisySgd,
  refRadam,
  refRmsprop,
  refSgd,
  withLr,
  type Leaves,
  type RefStep,
} from './reference.js';

const STEPS = 20;

interface Case {
  name: string;
  /** Learning rate per problem. */
  lr: { quadratic: number; rosenbrock: number };
  device: (lr: number, p: Problem) => GradientTransformation;
  ref: (lr: number, p: Problem) => RefStep;
}

const cases: Case[] = [
  { name: 'sgd', lr: { quadratic: 0.04, rosenbrock: 1e-4 }, device: (lr) => sgd(lr), ref: (lr) => refSgd(lr) },
  { name: 'sgd momentum', lr: { quadratic: 0.01, rosenbrock: 5e-5 }, device: (lr) => sgd(lr, { momentum: 0.9 }), ref: (lr) => refSgd(lr, 0.9) },
  {
    name: 'sgd nesterov',
    lr: { quadratic: 0.01, rosenbrock: 5e-5 },
    device: (lr) => sgd(lr, { momentum: 0.9, nesterov: true }),
    ref: (lr) => refSgd(lr, 0.9, true),
  },
  { name: 'adam', lr: { quadratic: 0.05, rosenbrock: 1e-3 }, device: (lr) => adam(lr), ref: (lr) => withLr(refAdamDirection(0.9, 0.999, 1e-8), lr) },
  {
    name: 'adam epsRoot',
    lr: { quadratic: 0.05, rosenbrock: 1e-3 },
    device: (lr) => adam(lr, { b1: 0.8, b2: 0.99, eps: 1e-3, epsRoot: 1e-2 }),
    ref: (lr) => withLr(refAdamDirection(0.8, 0.99, 1e-3, 1e-2), lr),
  },
  { name: 'nadam', lr: { quadratic: 0.05, rosenbrock: 1e-3 }, device: (lr) => nadam(lr), ref: (lr) => withLr(refAdamDirection(0.9, 0.999, 1e-8, 0, true), lr) },
  {
    name: 'adamw',
    lr: { quadratic: 0.05, rosenbrock: 1e-3 },
    device: (lr) => adamw(lr, { weightDecay: 0.1 }),
    ref: (lr) => withLr(refAdamDirection(0.9, 0.999, 1e-8), lr, 0.1),
  },
  { name: 'adamax', lr: { quadratic: 0.05, rosenbrock: 1e-3 }, device: (lr) => adamax(lr), ref: (lr) => refAdamax(lr) },
  // b2 = 0.9 makes rho_t pass the threshold 5 at t = 6, so both branches run.
  { name: 'radam', lr: { quadratic: 0.05, rosenbrock: 1e-3 }, device: (lr) => radam(lr, { b2: 0.9 }), ref: (lr) => refRadam(lr, 0.9, 0.9) },
  { name: 'rmsprop', lr: { quadratic: 0.01, rosenbrock: 1e-3 }, device: (lr) => rmsprop(lr), ref: (lr) => refRmsprop(lr) },
  {
    name: 'rmsprop centered momentum',
    lr: { quadratic: 0.005, rosenbrock: 2e-4 },
    device: (lr) => rmsprop(lr, { centered: true, momentum: 0.5, eps: 1e-4 }),
    ref: (lr) => refRmsprop(lr, { centered: true, momentum: 0.5, eps: 1e-4 }),
  },
  { name: 'adagrad', lr: { quadratic: 0.1, rosenbrock: 1e-2 }, device: (lr) => adagrad(lr), ref: (lr) => refAdagrad(lr) },
  { name: 'adadelta', lr: { quadratic: 1, rosenbrock: 1 }, device: (lr) => adadelta(lr), ref: (lr) => refAdadelta(lr) },
  { name: 'adabelief', lr: { quadratic: 0.05, rosenbrock: 1e-3 }, device: (lr) => adabelief(lr), ref: (lr) => refAdabelief(lr) },
  { name: 'lamb', lr: { quadratic: 0.02, rosenbrock: 1e-3 }, device: (lr) => lamb(lr, { weightDecay: 0.01 }), ref: (lr) => refLamb(lr, 0.01) },
  { name: 'lion', lr: { quadratic: 0.01, rosenbrock: 1e-3 }, device: (lr) => lion(lr), ref: (lr) => refLion(lr) },
  {
    name: 'noisySgd',
    lr: { quadratic: 0.04, rosenbrock: 1e-4 },
    device: (lr) => noisySgd(lr, key(7), { eta: 0.3 }),
    ref: (lr, p) => refNoisySgd(lr, key(7), p.shapes, 0.3),
  },
];

function runReference(problem: Problem, step: RefStep): Leaves[] {
  let p = problem.x0.map((l) => l.slice());
  const out: Leaves[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const u = step(problem.grad(p), p, t);
    p = p.map((l, i) => l.map((x, j) => x + u[i]![j]!));
    out.push(p);
  }
  return out;
}

async function runDevice(problem: Problem, opt: GradientTransformation): Promise<Leaves[]> {
  const lossAndGrad = valueAndGrad(problem.loss);
  let params = problem.params(problem.x0);
  let state = opt.init(params);
  const out: Leaves[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const [value, grads] = lossAndGrad(params);
    const [updates, next] = opt.update(grads, state, params);
    const nextParams = applyUpdates(params, updates);
    tree.dispose([value, grads, updates, state, params]);
    params = nextParams;
    state = next;
    out.push(await Promise.all(tree.leaves(params).map(async (l) => Array.from(await toFloat64Array(l as tf.Tensor)))));
  }
  tree.dispose([params, state]);
  return out;
}

/** The worst |a - e| / (atol + rtol |e|) over all steps and elements, with where it happened. */
function worst(actual: Leaves[], expected: Leaves[], rtol: number, atol: number) {
  let ratio = 0;
  let where = '';
  expected.forEach((leaves, s) =>
    leaves.forEach((leaf, i) =>
      leaf.forEach((e, j) => {
        const a = actual[s]![i]![j]!;
        const r = Number.isFinite(a) ? Math.abs(a - e) / (atol + rtol * Math.abs(e)) : Infinity;
        if (!(r <= ratio)) {
          ratio = r;
          where = `step ${s + 1}, leaf ${i}[${j}]: device ${a}, reference ${e}`;
        }
      }),
    ),
  );
  return { ratio, where };
}

const tolerance = { quadratic: { rtol: 5e-5, atol: 5e-5 }, rosenbrock: { rtol: 5e-5, atol: 5e-5 } };

describe.each([quadratic, rosenbrock])('trajectories on $name', (problem) => {
  it.each(cases)('$name follows the float64 recurrence for 20 steps', async (c) => {
    const lr = c.lr[problem.name as 'quadratic' | 'rosenbrock'];
    const before = tf.memory().numTensors;
    const actual = await runDevice(problem, c.device(lr, problem));
    expect(tf.memory().numTensors).toBe(before);
    const expected = runReference(problem, c.ref(lr, problem));
    // The iterates must actually move (a do-nothing optimizer must not pass).
    const moved = Math.max(...expected[STEPS - 1]!.flatMap((l, i) => l.map((x, j) => Math.abs(x - problem.x0[i]![j]!))));
    expect(moved).toBeGreaterThan(1e-3);
    const { rtol, atol } = tolerance[problem.name as 'quadratic' | 'rosenbrock'];
    const w = worst(actual, expected, rtol, atol);
    if (process.env.TRAJ_DEBUG) console.log(`${problem.name} ${c.name}: worst ratio ${w.ratio.toExponential(2)} at ${w.where}`);
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });
});
