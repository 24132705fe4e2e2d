import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, random, split, tree, valueAndGrad, type PRNGKey } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { elbo, type VariationalFamily } from '../../src/index.js';

/** One conditioner network's weights and biases. */
type FlowLayer = { [k: string]: tf.Tensor[]; weights: tf.Tensor[]; biases: tf.Tensor[] };

/** The parameters both flows share (RealNVP and IAF). */
interface FlowParams {
  [k: string]: tf.Tensor | FlowLayer[];
  layers: FlowLayer[];
  loc: tf.Tensor;
  logScale: tf.Tensor;
}

/** The flow distribution methods the checks call beyond `Distribution`. */
interface FlowDistribution {
  logProb(x: tf.Tensor): tf.Tensor;
  sample(k: PRNGKey, shape: number | readonly number[]): tf.Tensor;
  sampleAndLogProb(k: PRNGKey, shape: number | readonly number[]): [tf.Tensor, tf.Tensor];
  fromNoise(eps: tf.Tensor): tf.Tensor;
  fromNoiseWithLogProb(eps: tf.Tensor): [tf.Tensor, tf.Tensor];
  inverseWithLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor];
}

/** What differs between the flows under {@link describeFlowChecks}. */
export interface FlowCheckCase<P extends FlowParams> {
  /** The family's name (the describe title and the prefix of its errors). */
  readonly name: string;
  /** The family factory. */
  readonly make: (options?: { readonly numLayers?: number; readonly hiddenUnits?: readonly number[]; readonly initScale?: number }) => VariationalFamily<P>;
  /** The title of the test that `init` is N(0, initScale² I). */
  readonly identityTitle: string;
  /** Midpoint rule for the 2-D normalisation check: step `h`, `n` cells per axis starting at `lo`. */
  readonly grid: { readonly h: number; readonly n: number; readonly lo: number };
}

/**
 * A flow that is not the identity: `init` zeroes the output layers, so give them (and the final
 * affine map) random values. Scale 0.3 keeps the map a mild deformation of N(0, I).
 */
function randomFlowOf<P extends FlowParams>(family: VariationalFamily<P>, k: PRNGKey, dim: number, scale = 0.3): P {
  const p = family.init(k, dim);
  const [k1, k2] = split(key(77), 2) as [PRNGKey, PRNGKey];
  const layers = p.layers.map((l, i) => {
    const last = l.weights.length - 1;
    const w = tf.tidy(() => tf.mul(random.normal(random.foldIn(k1, i), l.weights[last]!.shape), scale));
    const b = tf.tidy(() => tf.mul(random.normal(random.foldIn(k2, i), l.biases[last]!.shape), scale));
    l.weights[last]!.dispose();
    l.biases[last]!.dispose();
    return { weights: [...l.weights.slice(0, last), w], biases: [...l.biases.slice(0, last), b] };
  });
  p.loc.dispose();
  p.logScale.dispose();
  return { layers, loc: tf.tensor1d(Array.from({ length: dim }, (_, i) => 0.2 * i - 0.1)), logScale: tf.tensor1d(Array.from({ length: dim }, (_, i) => (i % 2 ? 0.1 : -0.1))) } as P;
}

/**
 * The checks every normalising-flow family must pass: identity at init, invertibility, the log
 * density against a host finite-difference Jacobian, normalisation on a 2-D grid, ELBO gradients,
 * no leaks, and error messages naming the function.
 */
export function describeFlowChecks<P extends FlowParams>({ name, make, identityTitle, grid: g }: FlowCheckCase<P>): void {
  describe(name, () => {
    const family = make({ numLayers: 4, hiddenUnits: [8, 8] });
    const randomFlow = (k: PRNGKey, dim: number): P => randomFlowOf(family, k, dim);

    it(identityTitle, async () => {
      const p = make({ initScale: 2 }).init(key(0), 3);
      const q = make({ initScale: 2 }).distribution(p);
      const x = tf.tensor2d([[0, 0, 0], [1, -2, 0.5]]);
      const lp = q.logProb(x);
      const host = [[0, 0, 0], [1, -2, 0.5]].map((r) => r.reduce((s, v) => s - 0.5 * (v / 2) ** 2 - Math.log(2) - 0.5 * Math.log(2 * Math.PI), 0));
      await expect(lp).toBeCloseTensor(host, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([x, lp]);
      tree.dispose(p);
    });

    it('is invertible, and the forward and inverse log densities agree', async () => {
      const p = randomFlow(key(1), 3);
      const q = family.distribution(p) as unknown as FlowDistribution;
      const eps = random.normal(key(2), [500, 3]);
      const [z, lpForward] = q.fromNoiseWithLogProb(eps);
      const [back, logDet] = q.inverseWithLogDet(z);
      await expect(back).toBeCloseTensor(eps, { atol: 1e-4, rtol: 1e-4 });
      const lpInverse = q.logProb(z);
      await expect(lpInverse).toBeCloseTensor(lpForward, { atol: 1e-4, rtol: 1e-5 });
      // The flow moved the points: it is not the identity.
      const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(z, eps))));
      expect((await moved.data())[0]!).toBeGreaterThan(0.1);
      tf.dispose([eps, z, lpForward, back, logDet, lpInverse, moved]);
      tree.dispose(p);
    });

    it('log q(z) = log N(ε(z)) + log|det ∂ε/∂z| with the Jacobian differentiated numerically on the host', async () => {
      const p = randomFlow(key(3), 3);
      const q = family.distribution(p) as unknown as FlowDistribution;
      const z0 = [[0.3, -0.4, 1.1], [-1.2, 0.5, 0.0], [0.8, 1.5, -0.7]];
      const h = 1e-2;
      // Central differences: rows z ± h e_j for each point and coordinate; O(h²) ≈ 1e-4 truncation,
      // float32 round-off ≈ 1e-7 / h = 1e-5 per entry.
      const rows: number[][] = [];
      for (const z of z0)
        for (let j = 0; j < 3; j++)
          for (const sgn of [1, -1]) rows.push(z.map((v, i) => (i === j ? v + sgn * h : v)));
      const zs = tf.tensor2d(rows);
      const [e, ld] = q.inverseWithLogDet(zs);
      const ev = await e.data();
      const z0t = tf.tensor2d(z0);
      const [e0, ld0] = q.inverseWithLogDet(z0t);
      const lp = q.logProb(z0t);
      const e0v = await e0.data();
      const lpv = await lp.data();
      for (let n = 0; n < 3; n++) {
        const jac: number[][] = [0, 1, 2].map(() => [0, 0, 0]);
        for (let j = 0; j < 3; j++) {
          const plus = (n * 3 + j) * 2;
          for (let i = 0; i < 3; i++) jac[i]![j] = (ev[plus * 3 + i]! - ev[(plus + 1) * 3 + i]!) / (2 * h);
        }
        const det =
          jac[0]![0]! * (jac[1]![1]! * jac[2]![2]! - jac[1]![2]! * jac[2]![1]!) -
          jac[0]![1]! * (jac[1]![0]! * jac[2]![2]! - jac[1]![2]! * jac[2]![0]!) +
          jac[0]![2]! * (jac[1]![0]! * jac[2]![1]! - jac[1]![1]! * jac[2]![0]!);
        const eps = [0, 1, 2].map((i) => e0v[n * 3 + i]!);
        const host = eps.reduce((s, v) => s - 0.5 * v * v - 0.5 * Math.log(2 * Math.PI), 0) + Math.log(Math.abs(det));
        expect(Math.abs(lpv[n]! - host)).toBeLessThan(2e-3);
      }
      tf.dispose([zs, e, ld, z0t, e0, ld0, lp]);
      tree.dispose(p);
    });

    it('the 2-D density integrates to 1 on a grid', async () => {
      const p = randomFlow(key(4), 2);
      const q = family.distribution(p);
      const { h, n } = g;
      const axis = tf.tidy(() => tf.add(tf.mul(tf.range(0, n), h), g.lo + h / 2));
      const grid = tf.tidy(() => {
        const xx = tf.tile(tf.reshape(axis, [n, 1]), [1, n]);
        const yy = tf.tile(tf.reshape(axis, [1, n]), [n, 1]);
        return tf.stack([tf.reshape(xx, [-1]), tf.reshape(yy, [-1])], 1);
      });
      const mass = tf.tidy(() => tf.mul(tf.sum(tf.exp(q.logProb(grid))), h * h));
      expect(Math.abs((await mass.data())[0]! - 1)).toBeLessThan(2e-3);
      tf.dispose([axis, grid, mass]);
      tree.dispose(p);
    });

    it('gradients of an ELBO reach every parameter, finite and nonzero', async () => {
      const p = randomFlow(key(5), 2);
      const target = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(tf.sub(z, 1)), 1)));
      const [v, g] = valueAndGrad((pp: P) => elbo(key(1), target, family, pp, { numSamples: 16 }))(p);
      for (const leaf of tree.leaves(g) as tf.Tensor[]) {
        const d = Array.from(await leaf.data());
        expect(d.every(Number.isFinite)).toBe(true);
        expect(Math.max(...d.map(Math.abs))).toBeGreaterThan(0);
      }
      tf.dispose(v);
      tree.dispose([g, p]);
    });

    it('leaks nothing', async () => {
      const p = randomFlow(key(6), 2);
      const eps = tf.zeros([3, 2]);
      await expectNoLeaks(() => family.init(key(0), 2));
      await expectNoLeaks(() => family.fromNoise(p, eps));
      await expectNoLeaks(() => family.fromNoiseWithLogProb!(p, eps));
      await expectNoLeaks(() => {
        const q = family.distribution(p) as unknown as FlowDistribution;
        return [q.sample(key(0), [2, 3]), q.sampleAndLogProb(key(0), 4), q.logProb(eps), q.inverseWithLogDet(eps), q.fromNoise(eps)];
      });
      tree.dispose([p, eps]);
      expect(tf.memory().numTensors).toBe(0);
    });

    it('errors name the function', () => {
      expect(() => family.init(key(0), 1)).toThrow(new RegExp(`${name}.init: argument 'dim' must be an integer >= 2`));
      expect(() => make({ hiddenUnits: [0] })).toThrow(/hiddenUnits/);
      const p = randomFlow(key(7), 2);
      const eps = tf.zeros([3, 3]);
      expect(() => family.fromNoise(p, eps)).toThrow(new RegExp(`${name}.fromNoise: argument 'eps' must have shape \\[S, 2\\]`));
      tree.dispose([p, eps]);
    });
  });
}
