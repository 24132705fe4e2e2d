import * as tf from '@tensorflow/tfjs-core';
import type { Integrator, IntegratorState, KernelInfo, LogDensityFn, Metric } from '../../types.js';
import { disposeAll, logAddExp, select, tidy } from './tensor-ops.js';

// The pieces of a NUTS transition over C chains in lockstep: the packed trajectory ends and
// proposals, one integrator step of a doubling (advance) and the top-level merge (merge).

/**
 * A trajectory end packed for selection: `xs` stacks position, momentum and gradient (`[3, C, D]`,
 * so that taking one back out is a contiguous slice) beside the log density `[C]`.
 */
export interface End {
  xs: tf.Tensor;
  logDensity: tf.Tensor;
}

/** A candidate sample: position and gradient `[2, C, D]`, log density and energy `[2, C]`. */
export interface Proposal {
  xs: tf.Tensor;
  scalars: tf.Tensor;
}

/** What the iterative U-turn check remembers at the start index s of a subtree of one level. */
export interface Checkpoint {
  /** p_s. */
  p: tf.Tensor;
  /** Momentum sum of the steps before s (within the doubling). */
  sumBefore: tf.Tensor;
  /** p_{s-1} (the point before s in build order). */
  pPrev: tf.Tensor;
}

/** The trajectory built so far (all chains). */
export interface Tree {
  left: End;
  right: End;
  momentumSum: tf.Tensor;
  logWeight: tf.Tensor;
  proposal: Proposal;
  active: tf.Tensor;
  depth: tf.Tensor;
  numSteps: tf.Tensor;
  acceptSum: tf.Tensor;
  divergent: tf.Tensor;
}

/** What one doubling's steps share. */
export interface Context {
  metric: Metric;
  integrator: Integrator;
  logDensityFn: LogDensityFn;
  signedStep: tf.Tensor;
  energy0: tf.Tensor;
  divergenceThreshold: number;
  numChains: number;
  dim: number;
}

/** The subtree of the current doubling. */
export interface Subtree {
  current: IntegratorState;
  firstMomentum: tf.Tensor | undefined;
  momentumSum: tf.Tensor;
  logWeight: tf.Tensor;
  proposal: Proposal;
  active: tf.Tensor;
  divergent: tf.Tensor;
  checkpoints: (Checkpoint | undefined)[];
}

/** One U-turn check: the end momenta and the momentum sum of a stretch of trajectory. */
export type TurningCheck = [tf.Tensor, tf.Tensor, tf.Tensor];

/**
 * Whether any of the checks finds a U-turn, per chain (`undefined` for no checks). With a metric
 * shared by all chains the checks run as one batch of `checks.length * C` rows (fewer kernels).
 */
export function anyTurning(metric: Metric, checks: readonly TurningCheck[], numChains: number): tf.Tensor | undefined {
  if (checks.length === 0) return undefined;
  const shared = metric.kind === 'diagonal' ? metric.inverseMassMatrix.rank === 1 : metric.inverseMassMatrix.rank === 2;
  if (checks.length === 1 || !shared) {
    return checks.map(([l, r, s]) => metric.isTurning(l, r, s)).reduce((a, b) => tf.logicalOr(a, b));
  }
  const all = metric.isTurning(tf.concat(checks.map((c) => c[0])), tf.concat(checks.map((c) => c[1])), tf.concat(checks.map((c) => c[2])));
  return tf.any(tf.reshape(all, [checks.length, numChains]), 0);
}

/** Packs an integrator state as a trajectory end. */
export function packEnd(s: IntegratorState): End {
  return { xs: tf.stack([s.position, s.momentum, s.logDensityGrad]), logDensity: tf.clone(s.logDensity) };
}

/** The integrator state of a trajectory end (fresh tensors). */
export function unpackEnd(e: End): IntegratorState {
  const [position, momentum, logDensityGrad] = tf.unstack(e.xs) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return { position, momentum, logDensityGrad, logDensity: tf.clone(e.logDensity) };
}

/** The momentum `[C, D]` of a trajectory end. */
export function momentumOfEnd(e: End): tf.Tensor {
  return tf.squeeze(tf.slice(e.xs, [1, 0, 0], [1, -1, -1]), [0]);
}

/** Per chain, `a` where `mask` else `b`. */
export function whereEnd(mask: tf.Tensor, a: End, b: End): End {
  return { xs: select(tf.expandDims(mask, 1), a.xs, b.xs), logDensity: select(mask, a.logDensity, b.logDensity) };
}

/** Packs a point and its energy as a proposal. */
export function packProposal(s: { position: tf.Tensor; logDensityGrad: tf.Tensor; logDensity: tf.Tensor }, energy: tf.Tensor): Proposal {
  return { xs: tf.stack([s.position, s.logDensityGrad]), scalars: tf.stack([s.logDensity, energy]) };
}

/** Per chain, `a` where `mask` else `b`. */
export function whereProposal(mask: tf.Tensor, a: Proposal, b: Proposal): Proposal {
  return { xs: select(tf.expandDims(mask, 1), a.xs, b.xs), scalars: select(mask, a.scalars, b.scalars) };
}

/**
 * One integrator step of every chain: step k of a doubling of the given depth, with the
 * multinomial choice within the subtree, the divergence check and the iterative U-turn checks
 * (levels whose subtree ends at k, against the checkpoints stored where they began). Disposes
 * what it replaces.
 */
export function advance(ctx: Context, s: Subtree, t: Tree, k: number, level: number, u: tf.Tensor): { next: Subtree; anyActive: tf.Tensor } {
  const out = tidy(() => {
    const { metric, numChains } = ctx;
    const step = ctx.integrator(s.current, ctx.signedStep, metric, ctx.logDensityFn);
    const energy = tf.sub(metric.kineticEnergy(step.momentum), step.logDensity);
    const rawDelta = tf.sub(energy, ctx.energy0);
    // NaN energies are divergences with zero weight (NumPyro).
    const delta = select(tf.isNaN(rawDelta), tf.fill([numChains], Infinity), rawDelta);
    const logWeight = tf.neg(delta);
    const diverged = tf.greater(delta, ctx.divergenceThreshold);
    const activeF = tf.cast(s.active, 'float32');
    const acceptSum = tf.add(t.acceptSum, tf.mul(activeF, tf.minimum(1, tf.exp(logWeight))));
    const numSteps = tf.add(t.numSteps, activeF);
    const momentumSum = tf.add(s.momentumSum, step.momentum);
    // Multinomial (uniform by weight) choice within the subtree: take the new point with
    // probability w_new / (w_subtree + w_new). At k = 0 it is taken.
    let subWeight: tf.Tensor;
    let proposal: Proposal;
    if (k === 0) {
      subWeight = tf.clone(logWeight);
      proposal = packProposal(step, energy);
    } else {
      // Both -inf only for chains that already stopped (their values are discarded).
      const m = tf.maximum(s.logWeight, logWeight);
      subWeight = tf.add(m, tf.log(tf.add(tf.exp(tf.sub(s.logWeight, m)), tf.exp(tf.sub(logWeight, m)))));
      const take = tf.less(u, tf.exp(tf.sub(logWeight, subWeight)));
      proposal = whereProposal(take, packProposal(step, energy), s.proposal);
    }
    // Checkpoints at the starts of the subtrees of every level that begin at k.
    const checkpoints = s.checkpoints.slice();
    const fresh: Checkpoint[] = [];
    for (let l = 1; l <= level; l++) {
      if (k % 2 ** l === 0) {
        const c = { p: tf.clone(step.momentum), sumBefore: tf.clone(s.momentumSum), pPrev: tf.clone(s.current.momentum) };
        checkpoints[l] = c;
        fresh.push(c);
      }
    }
    // U-turn checks of the subtrees of every level that end at k.
    const checks: TurningCheck[] = [];
    for (let l = 1; l <= level; l++) {
      if ((k + 1) % 2 ** l !== 0) continue;
      const c = checkpoints[l]!;
      checks.push([c.p, step.momentum, tf.sub(momentumSum, c.sumBefore)]);
      if (l >= 2) {
        // Stan ≥ 2.21: the first half with the first point of the second half, and the last point
        // of the first half with the second half (m: the second half's checkpoint).
        const m = checkpoints[l - 1]!;
        checks.push([c.p, m.p, tf.sub(tf.add(m.sumBefore, m.p), c.sumBefore)]);
        checks.push([m.pPrev, step.momentum, tf.add(tf.sub(momentumSum, m.sumBefore), m.pPrev)]);
      }
    }
    const turning = anyTurning(metric, checks, numChains);
    const stop = turning === undefined ? diverged : tf.logicalOr(diverged, turning);
    const divergent = tf.logicalOr(s.divergent, tf.logicalAnd(s.active, diverged));
    const active = tf.logicalAnd(s.active, tf.logicalNot(stop));
    return {
      current: step,
      firstMomentum: s.firstMomentum === undefined ? tf.clone(step.momentum) : undefined,
      momentumSum,
      logWeight: subWeight,
      proposal,
      active,
      divergent,
      acceptSum,
      numSteps,
      anyActive: tf.any(active),
      fresh,
    };
  });
  // Replace what was carried.
  disposeAll(s.current, s.momentumSum, s.logWeight, s.proposal, s.active, s.divergent, t.acceptSum, t.numSteps);
  t.acceptSum = out.acceptSum;
  t.numSteps = out.numSteps;
  const checkpoints = s.checkpoints.slice();
  for (let l = 1; l <= level; l++) {
    if (k % 2 ** l === 0) {
      disposeAll(checkpoints[l]);
      checkpoints[l] = out.fresh.shift();
    }
  }
  return {
    next: {
      current: out.current,
      firstMomentum: s.firstMomentum ?? out.firstMomentum,
      momentumSum: out.momentumSum,
      logWeight: out.logWeight,
      proposal: out.proposal,
      active: out.active,
      divergent: out.divergent,
      checkpoints,
    },
    anyActive: out.anyActive,
  };
}

/**
 * The top-level merge of the finished subtree into the trajectory: biased progressive sampling
 * (take the subtree's sample with probability min(1, w_subtree / w_old)), the new ends and momentum
 * sum, and the U-turn check of the merged trajectory with Stan's two checks across the boundary.
 */
export function merge(ctx: Context, tree: Tree, sub: Subtree, forward: tf.Tensor, u: tf.Tensor): Tree {
  const { metric } = ctx;
  const out = tidy(() => {
    const valid = sub.active;
    const first = sub.firstMomentum ?? sub.current.momentum;
    const current = packEnd(sub.current);
    const left = whereEnd(forward, tree.left, current);
    const right = whereEnd(forward, current, tree.right);
    const oldLeft = momentumOfEnd(tree.left);
    const oldRight = momentumOfEnd(tree.right);
    const forward2 = tf.expandDims(forward, 1);
    const oldEnd = select(forward2, oldRight, oldLeft);
    const farEnd = select(forward2, oldLeft, oldRight);
    const momentumSum = tf.add(tree.momentumSum, sub.momentumSum);
    const turning = anyTurning(metric, [
      [momentumOfEnd(left), momentumOfEnd(right), momentumSum],
      [farEnd, first, tf.add(tree.momentumSum, first)],
      [oldEnd, sub.current.momentum, tf.add(sub.momentumSum, oldEnd)],
    ], tree.logWeight.shape[0]!)!;
    const accept = tf.logicalAnd(valid, tf.less(u, tf.exp(tf.sub(sub.logWeight, tree.logWeight))));
    return {
      left,
      right,
      momentumSum,
      logWeight: logAddExp(tree.logWeight, sub.logWeight),
      proposal: whereProposal(accept, sub.proposal, tree.proposal),
      active: tf.logicalAnd(valid, tf.logicalNot(turning)),
      depth: tf.add(tree.depth, tf.cast(valid, 'float32')),
      divergent: tf.logicalOr(tree.divergent, sub.divergent),
    };
  });
  disposeAll(tree.left, tree.right, tree.momentumSum, tree.logWeight, tree.proposal, tree.active, tree.depth, tree.divergent);
  return { ...out, numSteps: tree.numSteps, acceptSum: tree.acceptSum };
}

/** Frees every tensor of a subtree. */
export function disposeSubtree(s: Subtree): void {
  disposeAll(s.current, s.firstMomentum, s.momentumSum, s.logWeight, s.proposal, s.active, s.divergent);
  for (const c of s.checkpoints) disposeAll(c);
}

/** Frees every tensor of a trajectory. */
export function disposeTree(t: Tree): void {
  disposeAll(t.left, t.right, t.momentumSum, t.logWeight, t.proposal, t.active, t.depth, t.numSteps, t.acceptSum, t.divergent);
}

/** The per-chain info, in one readback. */
export async function readInfo(tree: Tree, numChains: number): Promise<KernelInfo> {
  const packed = tf.tidy(() => tf.stack([tree.acceptSum, tree.numSteps, tf.cast(tree.divergent, 'float32'), tf.unstack(tree.proposal.scalars)[1]!, tree.depth]));
  const v = await packed.data();
  packed.dispose();
  const acceptanceRate = new Float64Array(numChains);
  const isDivergent = new Uint8Array(numChains);
  const energy = new Float64Array(numChains);
  const numIntegrationSteps = new Int32Array(numChains);
  const treeDepth = new Int32Array(numChains);
  for (let c = 0; c < numChains; c++) {
    const steps = v[numChains + c]!;
    acceptanceRate[c] = steps > 0 ? v[c]! / steps : 0;
    numIntegrationSteps[c] = steps;
    isDivergent[c] = v[2 * numChains + c]! ? 1 : 0;
    energy[c] = v[3 * numChains + c]!;
    treeDepth[c] = v[4 * numChains + c]!;
  }
  return { acceptanceRate, isDivergent, energy, numIntegrationSteps, treeDepth };
}
