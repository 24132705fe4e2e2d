import type { PRNGKey } from '@probdl/tensor-backend';
import type { HostMetric } from '../../metrics/host-metric.js';
import { TreeRandomness } from './chain-randomness.js';

/** Where a chain's transition starts: position, log density, gradient. */
export interface ChainPoint {
  q: Float64Array;
  g: Float64Array;
  logp: number;
}

/** A chain's transition result (the new point, and its info); arrays valid until the next transition. */
export interface ChainTransitionResult {
  readonly q: Float64Array;
  readonly g: Float64Array;
  readonly logp: number;
  /** Hamiltonian at the new point. */
  readonly energy: number;
  readonly acceptanceRate: number;
  readonly numSteps: number;
  readonly depth: number;
  readonly divergent: boolean;
}

/** What every transition of a run shares. */
export interface ChainNutsSettings {
  readonly metric: HostMetric;
  readonly coefficients: readonly number[];
  readonly maxTreeDepth: number;
  readonly divergenceThreshold: number;
}

/** A phase-space point of one chain: the offsets of its q, p and g in the chain's buffer, and its log density. */
class Point {
  logp = 0;
  constructor(
    readonly q: number,
    readonly p: number,
    readonly g: number,
  ) {}
}

/**
 * log(eᵃ + eᵇ). One of exp(a − m), exp(b − m) is exp(0) = 1 exactly, so it is not computed: the
 * result is bit for bit that of the symmetric form m + log(exp(a − m) + exp(b − m)).
 */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(1 + Math.exp(Math.min(a, b) - m));
}

/**
 * One chain's NUTS transitions as a resumable state machine: {@link begin} starts a transition and
 * {@link resume} runs it until it needs the log density and gradient at a new position (`q`; the
 * scheduler writes the gradient into `g` and passes the log density to the next `resume`) or until
 * the transition ends (`resume` returns false; the result is in {@link result}). A scheduler can so
 * serve many chains with one batched evaluation wherever each is in its tree.
 *
 * The algorithm and randomness are those of `nutsTransition` (Stan's multinomial NUTS with the
 * 2.21 U-turn checks across merged subtrees, checked iteratively from O(depth) checkpoints as in
 * NumPyro's `iterative_build_tree`), with the bookkeeping in float64. Written as explicit states
 * rather than a generator: V8 optimises plain methods far better, and this is the sampler's
 * innermost loop. Buffers are allocated once per chain and reused for every transition.
 */
export class ChainNuts {
  /** The position at which the next gradient is wanted. */
  readonly q: Float64Array;
  /** Where the scheduler writes that gradient. */
  readonly g: Float64Array;
  readonly result: { q: Float64Array; g: Float64Array; logp: number; energy: number; acceptanceRate: number; numSteps: number; depth: number; divergent: boolean };

  /**
   * Every vector of the chain, D values each, in one buffer addressed by offsets: a scheduler
   * touches each of many chains once per round, and one contiguous buffer per chain keeps that
   * working set a quarter of the size of separate small typed arrays (each with its own header).
   */
  private readonly s: Float64Array;
  private readonly d: number;
  private readonly left: Point;
  private readonly right: Point;
  private readonly cur: Point;
  private readonly prop: Point;
  private readonly subProp: Point;
  private readonly treeSum: number;
  private readonly subSum: number;
  private readonly firstP: number;
  private readonly prevP: number;
  private readonly velocity: number;
  private readonly sumA: number;
  private readonly sumB: number;
  /** Offsets of the checkpoints of level l: momentum, running sum, previous momentum. */
  private readonly cpP: number[] = [];
  private readonly cpSum: number[] = [];
  private readonly cpPrev: number[] = [];
  private readonly coefficients: readonly number[];

  private rand: TreeRandomness | undefined;
  private energy0 = 0;
  private propEnergy = 0;
  private treeLogW = 0;
  private depth = 0;
  private numSteps = 0;
  private acceptSum = 0;
  private divergent = false;
  private eps0 = 0;
  // The current doubling j, its direction and step, the leaf k and the integrator stage i.
  private j = 0;
  private forward = true;
  private eps = 0;
  private k = 0;
  private i = 0;
  private subLogW = -Infinity;
  private subEnergy = 0;
  private subValid = true;
  private subDivergent = false;

  constructor(
    private readonly chain: number,
    private readonly settings: ChainNutsSettings,
  ) {
    const d = settings.metric.dim;
    this.d = d;
    this.coefficients = settings.coefficients;
    let next = 0;
    const vector = (): number => {
      const o = next;
      next += d;
      return o;
    };
    const point = () => new Point(vector(), vector(), vector());
    this.left = point();
    this.right = point();
    this.cur = point();
    this.prop = point();
    this.subProp = point();
    this.treeSum = vector();
    this.subSum = vector();
    this.firstP = vector();
    this.prevP = vector();
    this.velocity = vector();
    this.sumA = vector();
    this.sumB = vector();
    for (let l = 0; l <= settings.maxTreeDepth; l++) {
      this.cpP.push(vector());
      this.cpSum.push(vector());
      this.cpPrev.push(vector());
    }
    this.s = new Float64Array(next);
    this.q = this.s.subarray(this.cur.q, this.cur.q + d);
    this.g = this.s.subarray(this.cur.g, this.cur.g + d);
    this.result = {
      q: this.s.subarray(this.prop.q, this.prop.q + d),
      g: this.s.subarray(this.prop.g, this.prop.g + d),
      logp: 0,
      energy: 0,
      acceptanceRate: 0,
      numSteps: 0,
      depth: 0,
      divergent: false,
    };
  }

  /** s[dst..dst+D) = s[src..src+D) (loops, not copyWithin: rows are short and this runs several times per step). */
  private copy(dst: number, src: number): void {
    const s = this.s;
    for (let x = 0; x < this.d; x++) s[dst + x] = s[src + x]!;
  }

  private copyPoint(dst: Point, src: Point): void {
    this.copy(dst.q, src.q);
    this.copy(dst.p, src.p);
    this.copy(dst.g, src.g);
    dst.logp = src.logp;
  }

  /** Starts a transition from `start` with the chain's key and step size (then call {@link resume}). */
  begin(chainKey: PRNGKey, start: ChainPoint, stepSize: number): void {
    const { metric } = this.settings;
    const c = this.chain;
    const d = this.d;
    const s = this.s;
    const rand = new TreeRandomness(chainKey);
    this.rand = rand;
    const left = this.left;
    for (let x = 0; x < d; x++) {
      s[left.q + x] = start.q[x]!;
      s[left.g + x] = start.g[x]!;
    }
    left.logp = start.logp;
    metric.momentumFromNormals(c, rand.normals(d), 0, s, left.p);
    this.copyPoint(this.right, left);
    this.copyPoint(this.prop, left);
    this.copy(this.treeSum, left.p);
    this.energy0 = metric.kineticEnergy(c, s, left.p) - left.logp;
    this.propEnergy = this.energy0;
    this.treeLogW = 0;
    this.depth = 0;
    this.numSteps = 0;
    this.acceptSum = 0;
    this.divergent = false;
    this.eps0 = Math.fround(stepSize);
    this.j = 0;
    this.beginDoubling();
  }

  /**
   * Runs until the next gradient is needed (returns true: evaluate at {@link q}, write {@link g},
   * call again with the log density) or the transition ends (returns false). The first call after
   * {@link begin} ignores `logDensity`.
   */
  resume(logDensity: number): boolean {
    if (this.i > 0) {
      // Coming back from a gradient request (position updates are the odd stages).
      this.cur.logp = logDensity;
    }
    for (;;) {
      if (this.integrate()) return true;
      // The step is complete.
      this.finishStep();
      if (this.subValid && this.k < 1 << this.j) {
        this.beginStep();
        continue;
      }
      if (!this.merge()) return false;
      this.j++;
      if (this.j >= this.settings.maxTreeDepth) {
        this.finish();
        return false;
      }
      this.beginDoubling();
    }
  }

  private beginDoubling(): void {
    const rand = this.rand!;
    rand.startDoubling(this.j);
    this.forward = rand.direction() > 0;
    this.eps = this.forward ? this.eps0 : -this.eps0;
    this.copyPoint(this.cur, this.forward ? this.right : this.left);
    this.s.fill(0, this.subSum, this.subSum + this.d);
    this.subLogW = -Infinity;
    this.subEnergy = 0;
    this.subValid = true;
    this.subDivergent = false;
    this.k = 0;
    this.beginStep();
  }

  private beginStep(): void {
    if (this.j >= 1 && (this.k & 1) === 0) this.copy(this.prevP, this.cur.p);
    this.i = 0;
  }

  /** Advances the integrator stages; true when a gradient at `q` is needed. */
  private integrate(): boolean {
    const coefficients = this.coefficients;
    const d = this.d;
    const s = this.s;
    const { q, p, g } = this.cur;
    while (this.i < coefficients.length) {
      const h = coefficients[this.i]! * this.eps;
      const even = (this.i & 1) === 0;
      this.i++;
      if (even) {
        for (let x = 0; x < d; x++) s[p + x] = s[p + x]! + h * s[g + x]!;
      } else {
        const v = this.velocity;
        this.settings.metric.velocity(this.chain, s, p, s, v);
        for (let x = 0; x < d; x++) s[q + x] = s[q + x]! + h * s[v + x]!;
        return true;
      }
    }
    return false;
  }

  /** The bookkeeping after integrator step k of doubling j. */
  private finishStep(): void {
    const { metric, divergenceThreshold } = this.settings;
    const c = this.chain;
    const d = this.d;
    const s = this.s;
    const { cur, subSum, sumA, sumB } = this;
    const j = this.j;
    const k = this.k;
    const energy = metric.kineticEnergy(c, s, cur.p) - cur.logp;
    let delta = energy - this.energy0;
    // NaN energies are divergences with zero weight (NumPyro).
    if (Number.isNaN(delta)) delta = Infinity;
    const logW = -delta;
    const diverged = delta > divergenceThreshold;
    // min(1, exp(logW)) is exactly 1 for logW ≥ 0: no exp there.
    this.acceptSum += logW >= 0 ? 1 : Math.exp(logW);
    this.numSteps++;
    // Checkpoints at the starts of the subtrees of every level that begin at k.
    for (let l = 1; l <= j; l++) {
      if ((k & ((1 << l) - 1)) !== 0) break;
      this.copy(this.cpP[l]!, cur.p);
      this.copy(this.cpSum[l]!, subSum);
      this.copy(this.cpPrev[l]!, this.prevP);
    }
    for (let x = 0; x < d; x++) s[subSum + x] = s[subSum + x]! + s[cur.p + x]!;
    // Multinomial (uniform by weight) choice within the subtree; at k = 0 the point is taken.
    let take = k === 0;
    if (k === 0) {
      this.subLogW = logW;
      this.copy(this.firstP, cur.p);
    } else {
      const w = logAddExp(this.subLogW, logW);
      take = this.rand!.stepUniform(k) < Math.exp(logW - w);
      this.subLogW = w;
    }
    if (take) {
      this.copyPoint(this.subProp, cur);
      this.subEnergy = energy;
    }
    // U-turn checks of the subtrees of every level that end at k (Stan ≥ 2.21's extra checks
    // across the halves from level 2 on).
    let turning = false;
    for (let l = 1; l <= j && !turning; l++) {
      if (((k + 1) & ((1 << l) - 1)) !== 0) break;
      const cpP = this.cpP[l]!;
      const cpSum = this.cpSum[l]!;
      for (let x = 0; x < d; x++) s[sumA + x] = s[subSum + x]! - s[cpSum + x]!;
      turning = metric.isTurning(c, s, cpP, s, cur.p, s, sumA);
      if (!turning && l >= 2) {
        const mP = this.cpP[l - 1]!;
        const mSum = this.cpSum[l - 1]!;
        const mPrev = this.cpPrev[l - 1]!;
        for (let x = 0; x < d; x++) {
          s[sumA + x] = s[mSum + x]! + s[mP + x]! - s[cpSum + x]!;
          s[sumB + x] = s[subSum + x]! - s[mSum + x]! + s[mPrev + x]!;
        }
        turning = metric.isTurning(c, s, cpP, s, mP, s, sumA) || metric.isTurning(c, s, mPrev, s, cur.p, s, sumB);
      }
    }
    if (diverged) this.subDivergent = true;
    if (diverged || turning) this.subValid = false;
    this.k = k + 1;
  }

  /**
   * The top-level merge: biased progressive sampling and the U-turn checks of the merged
   * trajectory, with Stan's two checks across the boundary. False when the transition ends.
   */
  private merge(): boolean {
    const { metric } = this.settings;
    const c = this.chain;
    const d = this.d;
    const s = this.s;
    const { left, right, cur, treeSum, subSum, firstP, sumA, sumB } = this;
    const oldEnd = this.forward ? right : left;
    const farEnd = this.forward ? left : right;
    for (let x = 0; x < d; x++) s[sumA + x] = s[treeSum + x]! + s[subSum + x]!;
    let turning = metric.isTurning(c, s, this.forward ? left.p : cur.p, s, this.forward ? cur.p : right.p, s, sumA);
    if (!turning) {
      for (let x = 0; x < d; x++) s[sumB + x] = s[treeSum + x]! + s[firstP + x]!;
      turning = metric.isTurning(c, s, farEnd.p, s, firstP, s, sumB);
    }
    if (!turning) {
      for (let x = 0; x < d; x++) s[sumB + x] = s[subSum + x]! + s[oldEnd.p + x]!;
      turning = metric.isTurning(c, s, oldEnd.p, s, cur.p, s, sumB);
    }
    if (this.subValid && this.rand!.topUniform() < Math.exp(this.subLogW - this.treeLogW)) {
      this.copyPoint(this.prop, this.subProp);
      this.propEnergy = this.subEnergy;
    }
    this.treeLogW = logAddExp(this.treeLogW, this.subLogW);
    if (this.subDivergent) this.divergent = true;
    if (!this.subValid) {
      this.finish();
      return false;
    }
    this.depth++;
    if (turning) {
      this.finish();
      return false;
    }
    this.copyPoint(oldEnd, cur);
    this.copy(treeSum, sumA);
    return true;
  }

  private finish(): void {
    const r = this.result;
    r.logp = this.prop.logp;
    r.energy = this.propEnergy;
    r.acceptanceRate = this.numSteps > 0 ? this.acceptSum / this.numSteps : 0;
    r.numSteps = this.numSteps;
    r.depth = this.depth;
    r.divergent = this.divergent;
    this.rand = undefined;
  }
}
