import * as tf from '@tensorflow/tfjs-core';
import { foldIn, type PRNGKey } from '@probdl/tensor-backend';
import type { PalindromicIntegrator } from '../../integrators/palindromic.js';
import { velocityVerlet } from '../../integrators/velocity-verlet.js';
import { stateAt } from '../../internal/value-and-grad.js';
import { euclideanMetric } from '../../metrics/euclidean.js';
import { hostMetric } from '../../metrics/host-metric.js';
import type { HmcParams, HmcState, Integrator, IntegratorState, Kernel, KernelInfo, LogDensityFn, Metric, StepsControl, StepsResult } from '../../types.js';
import { ChainRandomness, chainKeysOf } from './chain-randomness.js';
import { hostNutsRun, hostNutsTransition, hostPoints, hostState, type HostNutsSetup } from './host-nuts.js';
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
  /**
   * Where the tree bookkeeping runs. 'host' (default, for integrators with `coefficients`, which
   * every built-in one has): in float64 JavaScript per chain, with one batched gradient evaluation
   * and one `[C, D + 1]` readback per integrator step. 'device': as tensors with masks (about 150
   * kernels per step), the reference the host path is tested against; also used for an integrator
   * given as a bare function.
   */
  readonly trajectory?: 'host' | 'device';
  /**
   * Whether the log density of a row depends on that row alone (true of every model from
   * @probdl/model; false when a bare log density gives its chains different data). When true, the
   * host trajectory evaluates only the chains still building their trees at each step, so a
   * lockstep batch does not pay for chains that have finished. Default false (every row, always).
   */
  readonly independentRows?: boolean;
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
 * Two implementations of the same algorithm and randomness (`options.trajectory`):
 * - 'host' (default): each chain's tree is kept in float64 JavaScript and one batched gradient
 *   evaluation per round of integrator steps serves every chain (only the chains still building,
 *   with `independentRows`); the kernel's `steps` runs several transitions with chains out of step.
 * - 'device': all C chains advance in lockstep as tensors, a direction per chain folded into the
 *   signed step size, finished chains masked; one value is read back per integrator step and one
 *   `[C]` mask per doubling. The reference the host path is tested against.
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
  const kernel: Kernel<HmcParams> = {
    init: (position, logDensityFn) => stateAt(logDensityFn, position),
    step: (key, state, logDensityFn, params) => nutsTransition(chainKeysOf(key, state.position.shape[0]!), state, logDensityFn, params, opts),
  };
  if (opts.trajectory === 'host' && (opts.integrator as Partial<PalindromicIntegrator>).coefficients !== undefined) {
    kernel.steps = (keyOf, state, logDensityFn, params, numTransitions, control) => nutsSteps(keyOf, state, logDensityFn, params, numTransitions, opts, control);
  }
  return kernel;
}

/** The host setup of a transition (metric read back, step sizes checked). */
async function hostSetupOf(state: HmcState, params: HmcParams, opts: ReturnType<typeof checkOptions>): Promise<HostNutsSetup> {
  if (state.position.rank !== 2) throw new RangeError(`nuts: state.position must be [C, D], got [${state.position.shape.join(', ')}]`);
  const [numChains, dim] = state.position.shape as [number, number];
  const kind = metricKindOf(params.inverseMassMatrix, numChains, dim, params.metric);
  const stepSize = stepSizesOf(params.stepSize, numChains);
  const metric = await hostMetric(params.inverseMassMatrix, numChains, dim, kind);
  const coefficients = (opts.integrator as PalindromicIntegrator).coefficients;
  return { metric, stepSize, coefficients, maxTreeDepth: opts.maxTreeDepth, divergenceThreshold: opts.divergenceThreshold, independentRows: opts.independentRows };
}

/** {@link Kernel.steps} of the host path: chains run their transitions asynchronously. */
async function nutsSteps(
  keyOf: (t: number) => PRNGKey,
  state: HmcState,
  logDensityFn: LogDensityFn,
  params: HmcParams,
  numTransitions: number,
  opts: ReturnType<typeof checkOptions>,
  control: StepsControl = {},
): Promise<StepsResult | undefined> {
  const setup = await hostSetupOf(state, params, opts);
  const [C, D] = state.position.shape as [number, number];
  const keys = Array.from({ length: numTransitions }, (_, t) => keyOf(t));
  const infos: KernelInfo[] = keys.map(() => ({
    acceptanceRate: new Float64Array(C),
    isDivergent: new Uint8Array(C),
    energy: new Float64Array(C),
    numIntegrationSteps: new Int32Array(C),
    treeDepth: new Int32Array(C),
  }));
  const draws = keys.map((_, t) => (control.keep === undefined || control.keep(t) ? new Float32Array(C * (D + 1)) : undefined));
  const points = await hostPoints(state);
  const finished = await hostNutsRun(points, logDensityFn, setup, {
    numTransitions,
    keyOf: (c, t) => foldIn(keys[t]!, c),
    onResult: (c, t, r) => {
      const info = infos[t]!;
      (info.acceptanceRate as Float64Array)[c] = r.acceptanceRate;
      (info.isDivergent as Uint8Array)[c] = r.divergent ? 1 : 0;
      (info.energy as Float64Array)[c] = r.energy;
      (info.numIntegrationSteps as Int32Array)[c] = r.numSteps;
      info.treeDepth![c] = r.depth;
      const row = draws[t];
      if (row !== undefined) {
        for (let j = 0; j < D; j++) row[c * (D + 1) + j] = r.q[j]!;
        row[c * (D + 1) + D] = r.logp;
      }
    },
    shouldStop: () => control.signal?.aborted === true,
    ...(control.pause ? { pause: control.pause } : {}),
  });
  if (!finished) return undefined;
  return { state: hostState(points, D), infos, draws };
}

function checkOptions(options: NutsOptions): Required<NutsOptions> {
  const maxTreeDepth = options.maxTreeDepth ?? 10;
  const divergenceThreshold = options.divergenceThreshold ?? 1000;
  if (!Number.isInteger(maxTreeDepth) || maxTreeDepth < 1 || maxTreeDepth > 20) {
    throw new RangeError(`nuts: maxTreeDepth must be an integer in [1, 20], got ${String(maxTreeDepth)}`);
  }
  if (!(divergenceThreshold > 0)) throw new RangeError(`nuts: divergenceThreshold must be positive, got ${String(divergenceThreshold)}`);
  const trajectory = options.trajectory ?? 'host';
  if (trajectory !== 'host' && trajectory !== 'device') throw new RangeError(`nuts: trajectory must be 'host' or 'device', got ${JSON.stringify(trajectory)}`);
  return { maxTreeDepth, divergenceThreshold, integrator: options.integrator ?? velocityVerlet, trajectory, independentRows: options.independentRows === true };
}

/** The metric kind of an inverse mass matrix's shape (as {@link metricOf} reads it), or a RangeError. */
function metricKindOf(invMass: tf.Tensor, numChains: number, dim: number, given: 'diagonal' | 'dense' | undefined): 'diagonal' | 'dense' {
  const s = invMass.shape;
  if (given === 'diagonal' && invMass.rank === 2 && s[0] === numChains && s[1] === dim) return 'diagonal';
  if (invMass.rank === 1 && s[0] === dim) return 'diagonal';
  if (invMass.rank === 2 && s[0] === dim && s[1] === dim) return 'dense';
  if (invMass.rank === 2 && s[0] === numChains && s[1] === dim) return 'diagonal';
  if (invMass.rank === 3 && s[0] === numChains && s[1] === dim && s[2] === dim) return 'dense';
  throw new RangeError(`nuts: inverseMassMatrix must be [D], [D, D], [C, D] or [C, D, D] with C = ${numChains}, D = ${dim}, got [${s.join(', ')}]`);
}

function stepSizesOf(stepSize: HmcParams['stepSize'], numChains: number): Float64Array {
  const values = typeof stepSize === 'number' ? new Float64Array(numChains).fill(stepSize) : Float64Array.from(stepSize);
  if (values.length !== numChains) throw new RangeError(`nuts: stepSize must have one value per chain (${numChains}), got ${values.length}`);
  for (const v of values) if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`nuts: stepSize must be positive and finite, got ${v}`);
  return values;
}

function stepSizeTensor(stepSize: HmcParams['stepSize'], numChains: number): tf.Tensor {
  return tf.tensor2d(Float32Array.from(stepSizesOf(stepSize, numChains)), [numChains, 1]);
}

function metricOf(invMass: tf.Tensor, numChains: number, dim: number, given: 'diagonal' | 'dense' | undefined): Metric {
  return euclideanMetric(invMass, metricKindOf(invMass, numChains, dim, given));
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
  const { maxTreeDepth, divergenceThreshold, integrator, trajectory, independentRows } = checkOptions(options);
  if (state.position.rank !== 2) throw new RangeError(`nuts: state.position must be [C, D], got [${state.position.shape.join(', ')}]`);
  const [numChains, dim] = state.position.shape as [number, number];
  if (chainKeys.length !== numChains) throw new RangeError(`nuts: chainKeys must have one key per chain (${numChains}), got ${chainKeys.length}`);
  if (trajectory === 'host' && (integrator as Partial<PalindromicIntegrator>).coefficients !== undefined) {
    const setup = await hostSetupOf(state, params, { maxTreeDepth, divergenceThreshold, integrator, trajectory, independentRows });
    return hostNutsTransition(chainKeys, state, logDensityFn, setup);
  }
  const metric = metricOf(params.inverseMassMatrix, numChains, dim, params.metric);
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

