import { random, split, type PRNGKey } from '@probdl/tensor-backend';

/** A seeded uniform generator for the tests (mulberry32). */
export function uniformStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one host HMC step did, per chain. */
export interface HostStep {
  position: Float64Array;
  proposal: Float64Array;
  proposalMomentum: Float64Array;
  acceptanceRate: Float64Array;
  isDivergent: Uint8Array;
}

/**
 * One HMC step of C chains on a centred Gaussian with variances `variance` [D], on the host in
 * float64: momentum p ~ N(0, M) with M = 1/invMass (diagonal, `[D]` shared or `[C, D]` per chain),
 * `numSteps` leapfrog steps of size eps[c], Metropolis accept with uniforms from `uniform`.
 */
export function hostHmcStep(
  key: PRNGKey,
  uniform: () => number,
  position: Float64Array,
  variance: readonly number[],
  invMass: Float64Array,
  eps: ArrayLike<number>,
  numSteps: number,
): HostStep {
  const d = variance.length;
  const c = position.length / d;
  const z = random.normalHost(split(key)[1]!, [c, d]);
  const im = (i: number, j: number) => (invMass.length === d ? invMass[j]! : invMass[i * d + j]!);
  const out: HostStep = {
    position: new Float64Array(c * d),
    proposal: new Float64Array(c * d),
    proposalMomentum: new Float64Array(c * d),
    acceptanceRate: new Float64Array(c),
    isDivergent: new Uint8Array(c),
  };
  for (let i = 0; i < c; i++) {
    const x = new Float64Array(d);
    const p = new Float64Array(d);
    let h0 = 0;
    for (let j = 0; j < d; j++) {
      x[j] = position[i * d + j]!;
      p[j] = z[i * d + j]! / Math.sqrt(im(i, j));
      h0 += (0.5 * x[j]! * x[j]!) / variance[j]! + 0.5 * p[j]! * p[j]! * im(i, j);
    }
    const e = eps[i]!;
    for (let s = 0; s < numSteps; s++) {
      for (let j = 0; j < d; j++) p[j] = p[j]! - (0.5 * e * x[j]!) / variance[j]!;
      for (let j = 0; j < d; j++) x[j] = x[j]! + e * im(i, j) * p[j]!;
      for (let j = 0; j < d; j++) p[j] = p[j]! - (0.5 * e * x[j]!) / variance[j]!;
    }
    let h1 = 0;
    for (let j = 0; j < d; j++) h1 += (0.5 * x[j]! * x[j]!) / variance[j]! + 0.5 * p[j]! * p[j]! * im(i, j);
    const dh = h0 - h1;
    const a = Number.isFinite(dh) ? Math.min(1, Math.exp(dh)) : 0;
    out.acceptanceRate[i] = a;
    out.isDivergent[i] = !Number.isFinite(dh) || -dh > 1000 ? 1 : 0;
    const accept = uniform() < a;
    for (let j = 0; j < d; j++) {
      out.proposal[i * d + j] = x[j]!;
      out.proposalMomentum[i * d + j] = p[j]!;
      out.position[i * d + j] = accept ? x[j]! : position[i * d + j]!;
    }
  }
  return out;
}
