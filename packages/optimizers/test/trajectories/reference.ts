/**
 * Float64 reference recurrences for the optimizer trajectory tests, written from the published update
 * rules (the papers, as Optax documents them) element by element on plain numbers. They share no code
 * with src/: each rule is restated here as a scalar recurrence.
 *
 * A reference optimizer is a stateful closure `step(g, p, t)` over parameters given as leaves (a list
 * of number arrays in tree order) that returns the update to add to the parameters at step t = 1, 2, ...
 */
import { random, split, type PRNGKey } from '@probdl/tensor-backend';

export type Leaves = number[][];
export type RefStep = (g: Leaves, p: Leaves, t: number) => Leaves;

const zeros = (p: Leaves): Leaves => p.map((l) => l.map(() => 0));
const fill = (p: Leaves, v: number): Leaves => p.map((l) => l.map(() => v));

/** Elementwise map over leaves with leaf index i and element index j. */
function each(p: Leaves, f: (i: number, j: number) => number): Leaves {
  return p.map((l, i) => l.map((_, j) => f(i, j)));
}

export function refSgd(lr: number, momentum?: number, nesterov = false): RefStep {
  let tr: Leaves | undefined;
  return (g) => {
    if (momentum === undefined) return each(g, (i, j) => -lr * g[i]![j]!);
    tr ??= zeros(g);
    const prev = tr;
    tr = each(g, (i, j) => g[i]![j]! + momentum * prev[i]![j]!);
    const now = tr;
    return each(g, (i, j) => -lr * (nesterov ? g[i]![j]! + momentum * now[i]![j]! : now[i]![j]!));
  };
}

/** Adam (Kingma & Ba), with Optax's eps/epsRoot placement; `nesterov` gives NAdam as Optax states it. */
export function refAdamDirection(b1: number, b2: number, eps: number, epsRoot = 0, nesterov = false): RefStep {
  let m: Leaves | undefined;
  let v: Leaves | undefined;
  return (g, _p, t) => {
    m ??= zeros(g);
    v ??= zeros(g);
    const m0 = m;
    const v0 = v;
    m = each(g, (i, j) => b1 * m0[i]![j]! + (1 - b1) * g[i]![j]!);
    v = each(g, (i, j) => b2 * v0[i]![j]! + (1 - b2) * g[i]![j]! ** 2);
    const m1 = m;
    const v1 = v;
    return each(g, (i, j) => {
      const mh = nesterov
        ? (b1 * m1[i]![j]!) / (1 - b1 ** (t + 1)) + ((1 - b1) * g[i]![j]!) / (1 - b1 ** t)
        : m1[i]![j]! / (1 - b1 ** t);
      const vh = v1[i]![j]! / (1 - b2 ** t);
      return mh / (Math.sqrt(vh + epsRoot) + eps);
    });
  };
}

/** Chains a direction with decoupled weight decay and -lr. */
export function withLr(direction: RefStep, lr: number, weightDecay = 0): RefStep {
  return (g, p, t) => {
    const d = direction(g, p, t);
    return each(d, (i, j) => -lr * (d[i]![j]! + weightDecay * p[i]![j]!));
  };
}

/** AdaMax (Kingma & Ba §7.1), with Optax's eps inside the max. */
export function refAdamax(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): RefStep {
  let m: Leaves | undefined;
  let u: Leaves | undefined;
  return (g, _p, t) => {
    const m0 = (m ??= zeros(g));
    const u0 = (u ??= zeros(g));
    m = each(g, (i, j) => b1 * m0[i]![j]! + (1 - b1) * g[i]![j]!);
    u = each(g, (i, j) => Math.max(b2 * u0[i]![j]!, Math.abs(g[i]![j]!) + eps));
    const m1 = m;
    const u1 = u;
    return each(g, (i, j) => (-lr * m1[i]![j]!) / (1 - b1 ** t) / u1[i]![j]!);
  };
}

/** RAdam (Liu et al. 2020, Algorithm 2), rectifying when rho_t >= threshold. */
export function refRadam(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8, threshold = 5): RefStep {
  let m: Leaves | undefined;
  let v: Leaves | undefined;
  const rhoInf = 2 / (1 - b2) - 1;
  return (g, _p, t) => {
    const m0 = (m ??= zeros(g));
    const v0 = (v ??= zeros(g));
    m = each(g, (i, j) => b1 * m0[i]![j]! + (1 - b1) * g[i]![j]!);
    v = each(g, (i, j) => b2 * v0[i]![j]! + (1 - b2) * g[i]![j]! ** 2);
    const m1 = m;
    const v1 = v;
    const rho = rhoInf - (2 * t * b2 ** t) / (1 - b2 ** t);
    return each(g, (i, j) => {
      const mh = m1[i]![j]! / (1 - b1 ** t);
      if (rho < threshold) return -lr * mh;
      const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
      const vh = v1[i]![j]! / (1 - b2 ** t);
      return (-lr * r * mh) / (Math.sqrt(vh) + eps);
    });
  };
}

/** RMSProp (Hinton's lecture 6e; Graves 2013 for the centred form), momentum after the learning rate as in Optax. */
export function refRmsprop(lr: number, opts: { decay?: number; eps?: number; centered?: boolean; momentum?: number; nesterov?: boolean } = {}): RefStep {
  const { decay = 0.9, eps = 1e-8, centered = false, momentum, nesterov = false } = opts;
  let nu: Leaves | undefined;
  let mu: Leaves | undefined;
  const mom = momentum === undefined ? undefined : refSgd(-1, momentum, nesterov); // -(-1)·trace = +trace
  return (g, p, t) => {
    const n0 = (nu ??= zeros(g));
    const m0 = (mu ??= zeros(g));
    nu = each(g, (i, j) => decay * n0[i]![j]! + (1 - decay) * g[i]![j]! ** 2);
    mu = each(g, (i, j) => decay * m0[i]![j]! + (1 - decay) * g[i]![j]!);
    const n1 = nu;
    const m1 = mu;
    const scaled = each(g, (i, j) => (-lr * g[i]![j]!) / Math.sqrt(n1[i]![j]! - (centered ? m1[i]![j]! ** 2 : 0) + eps));
    return mom === undefined ? scaled : mom(scaled, p, t);
  };
}

/** AdaGrad (Duchi et al. 2011) with Optax's initial accumulator 0.1 and eps 1e-7 inside the root. */
export function refAdagrad(lr: number, initial = 0.1, eps = 1e-7): RefStep {
  let s: Leaves | undefined;
  return (g) => {
    const s0 = (s ??= fill(g, initial));
    s = each(g, (i, j) => s0[i]![j]! + g[i]![j]! ** 2);
    const s1 = s;
    return each(g, (i, j) => (-lr * g[i]![j]!) / Math.sqrt(s1[i]![j]! + eps));
  };
}

/** AdaDelta (Zeiler 2012, Algorithm 1), times lr. */
export function refAdadelta(lr: number, rho = 0.9, eps = 1e-6): RefStep {
  let eg: Leaves | undefined;
  let ex: Leaves | undefined;
  return (g) => {
    const eg0 = (eg ??= zeros(g));
    const ex0 = (ex ??= zeros(g));
    eg = each(g, (i, j) => rho * eg0[i]![j]! + (1 - rho) * g[i]![j]! ** 2);
    const eg1 = eg;
    const dx = each(g, (i, j) => (Math.sqrt(ex0[i]![j]! + eps) / Math.sqrt(eg1[i]![j]! + eps)) * g[i]![j]!);
    ex = each(g, (i, j) => rho * ex0[i]![j]! + (1 - rho) * dx[i]![j]! ** 2);
    return each(dx, (i, j) => -lr * dx[i]![j]!);
  };
}

/** AdaBelief (Zhuang et al. 2020, Algorithm 2) with the prediction error against the previous mean, as Optax. */
export function refAdabelief(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-16, epsRoot = 1e-16): RefStep {
  let m: Leaves | undefined;
  let s: Leaves | undefined;
  return (g, _p, t) => {
    const m0 = (m ??= zeros(g));
    const s0 = (s ??= zeros(g));
    m = each(g, (i, j) => b1 * m0[i]![j]! + (1 - b1) * g[i]![j]!);
    s = each(g, (i, j) => b2 * s0[i]![j]! + (1 - b2) * (g[i]![j]! - m0[i]![j]!) ** 2 + epsRoot);
    const m1 = m;
    const s1 = s;
    return each(g, (i, j) => (-lr * (m1[i]![j]! / (1 - b1 ** t))) / (Math.sqrt(s1[i]![j]! / (1 - b2 ** t)) + eps));
  };
}

/** LAMB (You et al. 2019, Algorithm 2): Adam direction plus decay, scaled per leaf by ‖p‖/‖r‖. */
export function refLamb(lr: number, weightDecay = 0, b1 = 0.9, b2 = 0.999, eps = 1e-6): RefStep {
  const adamDir = refAdamDirection(b1, b2, eps);
  return (g, p, t) => {
    const d = adamDir(g, p, t);
    const r = each(d, (i, j) => d[i]![j]! + weightDecay * p[i]![j]!);
    return r.map((leaf, i) => {
      const pn = Math.hypot(...p[i]!);
      const rn = Math.hypot(...leaf);
      const ratio = pn === 0 || rn === 0 ? 1 : pn / rn;
      return leaf.map((x) => -lr * ratio * x);
    });
  };
}

/** Lion (Chen et al. 2023, Program 1) with decoupled weight decay. */
export function refLion(lr: number, b1 = 0.9, b2 = 0.99, weightDecay = 1e-3): RefStep {
  let m: Leaves | undefined;
  return (g, p) => {
    const m0 = (m ??= zeros(g));
    const c = each(g, (i, j) => Math.sign((1 - b1) * g[i]![j]! + b1 * m0[i]![j]!));
    m = each(g, (i, j) => b2 * m0[i]![j]! + (1 - b2) * g[i]![j]!);
    return each(g, (i, j) => -lr * (c[i]![j]! + weightDecay * p[i]![j]!));
  };
}

/**
 * Noisy SGD (Neelakantan et al. 2015): g + N(0, eta / t^gamma), times -lr. The normals are those of
 * Optax's key discipline (split into 1 + #leaves keys each step, leaf k drawn with key k+1), drawn on
 * the host with tensor-backend's JAX-compatible sampler.
 */
export function refNoisySgd(lr: number, k: PRNGKey, shapes: number[][], eta = 0.01, gamma = 0.55): RefStep {
  let current = k;
  return (g, _p, t) => {
    const keys = split(current, g.length + 1);
    current = keys[0]!;
    const sd = Math.sqrt(eta / t ** gamma);
    return g.map((leaf, i) => {
      const n = random.normalHost(keys[i + 1]!, shapes[i]!);
      return leaf.map((x, j) => -lr * (x + sd * n[j]!));
    });
  };
}

