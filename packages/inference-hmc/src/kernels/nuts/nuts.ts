import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { velocityVerlet } from '../../integrators/velocity-verlet.js';
import { stateAt } from '../../internal/value-and-grad.js';
import { euclideanMetric } from '../../metrics/euclidean.js';
import type { HmcParams, HmcState, Integrator, IntegratorState, Kernel, KernelInfo, LogDensityFn, Metric } from '../../types.js';
import { ChainRandomness, chainKeysOf } from './chain-randomness.js';
import { momentumFromNormals } from './momentum.js';
import { tidy } from './tensor-ops.js';
import { advance, disposeSubtree, disposeTree, merge, packEnd, packProposal, readInfo, unpackEnd, whereEnd, type Checkpoint, type Context, type Subtree, type Tree } from './trajectory.js';

/** Options of {@link nuts}. */
export interface NutsOptions {
  /** Most doublings of a trajectory (at most `2^maxTreeDepth - 1` integrator steps). Default 10. */
  readonly maxTreeDepth?: number;
  /** An energy error `H - H0` above this is a divergence and ends the chain's tree. Default 1000. */
  readonly divergenceThreshold?: number;
  /** The integrator. Default {@link velocityVerlet}. */
  readonly integrator?: Integrator;
}

/**
 * The No-U-Turn Sampler (Hoffman & Gelman 2014; Betancourt 2017) as Stan, NumPyro and BlackJAX run
 * it: the trajectory doubles in a random direction until the generalised U-turn criterion holds
 * (on the whole trajectory, and, as Stan ≥ 2.21, across the boundaries of merged subtrees; inside a
 * doubling checked iteratively from O(depth) checkpoints of momenta and momentum sums, as NumPyro's
 * `iterative_build_tree`), the energy error exceeds `divergenceThreshold` or `maxTreeDepth`
 * doublings were done. The sample is drawn multinomially: uniformly (by weight exp(-H)) within each
 * new subtree and with biased progressive sampling at the top level.
 *
 * All C chains advance in lockstep: one integrator step per iteration for every chain, a direction
 * per chain folded into the signed step size; chains that finished are masked. Per integrator step
 * one value ("is any chain still building") is read back; per doubling one `[C]` mask.
 *
 * Randomness: chain `c` draws everything from `foldIn(key, c)` (see {@link nutsTransition}), so a
 * chain's trajectory is the same whether it runs alone or beside others: that key splits into a
 * momentum key (`normalHost(k, [D])`, mapped through the metric) and a tree key, and doubling `j`
 * draws its direction, its top-level acceptance uniform and one uniform per step from
 * `foldIn(treeKey, j)`. The draws are made on the host (bit-identical on every backend).
 *
 * `params.inverseMassMatrix`: `[D]` or `[C, D]` diagonal, `[D, D]` or `[C, D, D]` dense (with
 * C = D a rank-2 matrix is read as `[D, D]`). `params.stepSize`: one number or one per chain.
 *
 * Info: `acceptanceRate` is Stan's accept_stat (mean of min(1, exp(-ΔH)) over the trajectory's
 * steps), `energy` the Hamiltonian at the sample, `treeDepth` the number of completed doublings.
 */
export function nuts(options: NutsOptions = {}): Kernel<HmcParams> {
  const opts = checkOptions(options);
  return {
    init: (position, logDensityFn) => stateAt(logDensityFn, position),
    step: (key, state, logDensityFn, params) => nutsTransition(chainKeysOf(key, state.position.shape[0]!), state, logDensityFn, params, opts),
  };
}

function checkOptions(options: NutsOptions): Required<NutsOptions> {
  const maxTreeDepth = options.maxTreeDepth ?? 10;
  const divergenceThreshold = options.divergenceThreshold ?? 1000;
  if (!Number.isInteger(maxTreeDepth) || maxTreeDepth < 1 || maxTreeDepth > 20) {
    throw new RangeError(`nuts: maxTreeDepth must be an integer in [1, 20], got ${String(maxTreeDepth)}`);
  }
  if (!(divergenceThreshold > 0)) throw new RangeError(`nuts: divergenceThreshold must be positive, got ${String(divergenceThreshold)}`);
  return { maxTreeDepth, divergenceThreshold, integrator: options.integrator ?? velocityVerlet };
}

function stepSizeTensor(stepSize: HmcParams['stepSize'], numChains: number): tf.Tensor {
  const values = typeof stepSize === 'number' ? new Float32Array(numChains).fill(stepSize) : Float32Array.from(stepSize);
  if (values.length !== numChains) throw new RangeError(`nuts: stepSize must have one value per chain (${numChains}), got ${values.length}`);
  for (const v of values) if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`nuts: stepSize must be positive and finite, got ${v}`);
  return tf.tensor2d(values, [numChains, 1]);
}

function metricOf(invMass: tf.Tensor, numChains: number, dim: number): Metric {
  const s = invMass.shape;
  if (invMass.rank === 1 && s[0] === dim) return euclideanMetric(invMass, 'diagonal');
  if (invMass.rank === 2 && s[0] === dim && s[1] === dim) return euclideanMetric(invMass, 'dense');
  if (invMass.rank === 2 && s[0] === numChains && s[1] === dim) return euclideanMetric(invMass, 'diagonal');
  if (invMass.rank === 3 && s[0] === numChains && s[1] === dim && s[2] === dim) return euclideanMetric(invMass, 'dense');
  throw new RangeError(`nuts: inverseMassMatrix must be [D], [D, D], [C, D] or [C, D, D] with C = ${numChains}, D = ${dim}, got [${s.join(', ')}]`);
}

/**
 * One NUTS transition of C chains with explicit per-chain keys (`chainKeys[c]` drives chain c;
 * {@link nuts}' `step(key, ...)` passes `foldIn(key, c)`). Running chain c alone with
 * `[chainKeys[c]]` gives the same trajectory as running it in a batch. Returns the new state
 * (fresh tensors) and the per-chain info; `state` is not disposed.
 */
export async function nutsTransition(
  chainKeys: readonly PRNGKey[],
  state: HmcState,
  logDensityFn: LogDensityFn,
  params: HmcParams,
  options: NutsOptions = {},
): Promise<[HmcState, KernelInfo]> {
  const { maxTreeDepth, divergenceThreshold, integrator } = checkOptions(options);
  if (state.position.rank !== 2) throw new RangeError(`nuts: state.position must be [C, D], got [${state.position.shape.join(', ')}]`);
  const [numChains, dim] = state.position.shape as [number, number];
  if (chainKeys.length !== numChains) throw new RangeError(`nuts: chainKeys must have one key per chain (${numChains}), got ${chainKeys.length}`);
  const metric = metricOf(params.inverseMassMatrix, numChains, dim);
  const stepSize = stepSizeTensor(params.stepSize, numChains);
  const rand = new ChainRandomness(chainKeys);

  const start = tidy(() => {
    const momentum = momentumFromNormals(metric, tf.tensor2d(rand.normals(dim), [numChains, dim]));
    const s: IntegratorState = { position: state.position, momentum, logDensity: state.logDensity, logDensityGrad: state.logDensityGrad };
    const energy = tf.sub(metric.kineticEnergy(momentum), state.logDensity);
    return { end: packEnd(s), end2: packEnd(s), momentum, energy, proposal: packProposal(s, energy) };
  });
  const energy0 = start.energy;
  let tree: Tree = {
    left: start.end,
    right: start.end2,
    momentumSum: start.momentum,
    logWeight: tf.zeros([numChains]),
    proposal: start.proposal,
    active: tf.ones([numChains], 'bool'),
    depth: tf.zeros([numChains]),
    numSteps: tf.zeros([numChains]),
    acceptSum: tf.zeros([numChains]),
    divergent: tf.zeros([numChains], 'bool'),
  };
  let hostActive: ArrayLike<number> = new Uint8Array(numChains).fill(1);

  try {
    for (let depth = 0; depth < maxTreeDepth; depth++) {
      rand.startDoubling(depth, hostActive);
      const direction = tf.tensor2d(rand.directions(), [numChains, 1]);
      const forward = tf.tidy(() => tf.greater(tf.reshape(direction, [numChains]), 0));
      const signedStep = tf.mul(stepSize, direction);
      direction.dispose();
      const ctx: Context = { metric, integrator, logDensityFn, signedStep, energy0, divergenceThreshold, numChains, dim };
      const t = tree;
      let sub: Subtree = {
        current: tidy(() => unpackEnd(whereEnd(forward, t.right, t.left))),
        firstMomentum: undefined,
        momentumSum: tf.zeros([numChains, dim]),
        logWeight: tf.fill([numChains], -Infinity),
        proposal: tidy(() => ({ xs: tf.clone(t.proposal.xs), scalars: tf.clone(t.proposal.scalars) })),
        active: tree.active.clone(),
        divergent: tf.zeros([numChains], 'bool'),
        checkpoints: new Array<Checkpoint | undefined>(depth + 1).fill(undefined),
      };
      const numLeaves = 2 ** depth;
      try {
        for (let k = 0; k < numLeaves; k++) {
          const uniforms = tf.tensor1d(rand.stepUniforms(k));
          const { next, anyActive } = advance(ctx, sub, tree, k, depth, uniforms);
          uniforms.dispose();
          sub = next;
          if (k < numLeaves - 1) {
            const any = (await anyActive.data())[0];
            anyActive.dispose();
            if (!any) break;
          } else anyActive.dispose();
        }
        const topUniforms = tf.tensor1d(rand.topUniforms());
        const merged = merge(ctx, tree, sub, forward, topUniforms);
        topUniforms.dispose();
        tree = merged;
      } finally {
        disposeSubtree(sub);
        forward.dispose();
        signedStep.dispose();
      }
      if (depth + 1 < maxTreeDepth) {
        hostActive = await tree.active.data();
        if (!Array.prototype.some.call(hostActive, (v: number) => v !== 0)) break;
      }
    }
    const info = await readInfo(tree, numChains);
    const proposal = tree.proposal;
    const result = tidy(() => {
      const [position, logDensityGrad] = tf.unstack(proposal.xs) as [tf.Tensor, tf.Tensor];
      return { position, logDensityGrad, logDensity: tf.unstack(proposal.scalars)[0]! };
    });
    return [result, info];
  } finally {
    disposeTree(tree);
    energy0.dispose();
    stepSize.dispose();
    metric.dispose();
  }
}

