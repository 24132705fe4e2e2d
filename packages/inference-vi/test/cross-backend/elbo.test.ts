import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalDiag } from '@probdl/distributions';
import { key, random, tree, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { loadReference } from '@probdl/vitest-config/reference';
import { LowRankMultivariateNormal, elbo, fullRankNormal, realNvp, type IndabaFullRankParams, type RealNvpDistribution } from '../../src/index.js';

// The ELBO estimators and families on every backend (cpu, wasm, WebGPU): small tensors only.

const epsRef = loadReference<{ eps: number[][] }>('indaba-bdl/elbo_eps.json');
// The classification data of the practical (cases.json), with its affine basis.
const X = [-2.700000047683716, -1.899999976158142, -1.2999999523162842, 0.699999988079071, 0.800000011920929, 1.399999976158142, 2.4000000953674316];
const Y = [0, 0, 0, 1, 1, 1, 1];

describe('ELBO across backends', () => {
  it.skipIf(epsRef === undefined)('reproduces the practical ELBO -28.404984 (within 1e-3) from the injected draws', async () => {
    const x = tf.tensor2d(X.map((v) => [1, v]));
    const y = tf.tensor1d(Y);
    const prior = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    const logLikelihood = (z: tf.Tensor): tf.Tensor =>
      tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.sub(y, tf.matMul(z, x, false, true))), 1)), 3.5 * Math.log(2 * Math.PI)));
    const params: IndabaFullRankParams = {
      w: tf.tensor1d([0.6523101925849915, -0.5448523759841919]),
      L_o: tf.tensor2d([[0, 0], [-0.0010911521967500448, 0]]),
      sig: tf.tensor1d([0.0004499122442211956, 0.0017043092520907521]),
    };
    const eps = tf.transpose(tf.tensor2d(epsRef!.eps));
    const family = fullRankNormal({ parametrisation: 'indaba' });
    const [v, g] = valueAndGrad((p: IndabaFullRankParams) => elbo(undefined, { logLikelihood, prior }, family, p, { estimator: 'analyticKl', eps }))(params);
    expect(Math.abs((await v.data())[0]! - -28.404984)).toBeLessThan(1e-3);
    for (const leaf of tree.leaves(g) as tf.Tensor[]) expect(Array.from(await leaf.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, eps, v]);
    tree.dispose([g, params]);
    prior.dispose();
  });

  it('low-rank log density (Woodbury) and the flow round trip agree with the dense forms', async () => {
    const loc = tf.tensor1d([0.3, -1, 2]);
    const w = tf.tensor2d([[0.5], [0.3], [-0.6]]);
    const s = tf.tensor1d([0.5, 0.7, 0.9]);
    const d = new LowRankMultivariateNormal({ loc, covFactor: w, scaleDiag: s });
    const pts = tf.tensor2d([[0, 0, 0], [1, -1, 2]]);
    const lp = d.logProb(pts);
    // Host: Σ = w wᵀ + diag(s²) with the 3 × 3 algebra by Cramer's rule.
    const W = [0.5, 0.3, -0.6];
    const S = [0.5, 0.7, 0.9];
    const cov = W.map((a, i) => W.map((b, j) => a * b + (i === j ? S[i]! ** 2 : 0)));
    const det3 = (m: number[][]): number =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const det = det3(cov);
    const host = [[0, 0, 0], [1, -1, 2]].map((p) => {
      const r = p.map((v, i) => v - [0.3, -1, 2][i]!);
      // Σ⁻¹ r by Cramer: replace column j by r.
      const sol = [0, 1, 2].map((j) => det3(cov.map((row, i) => row.map((v, k) => (k === j ? r[i]! : v)))) / det);
      return -0.5 * r.reduce((a, v, i) => a + v * sol[i]!, 0) - 0.5 * Math.log(det) - 1.5 * Math.log(2 * Math.PI);
    });
    await expect(lp).toBeCloseTensor(host, { rtol: 1e-4, atol: 1e-4 });
    const flow = realNvp({ numLayers: 2, hiddenUnits: [4] });
    const p = flow.init(key(0), 2);
    const q = flow.distribution(p) as RealNvpDistribution;
    const eps = random.normal(key(1), [8, 2]);
    const [z, lq] = q.fromNoiseWithLogProb(eps);
    const lq2 = q.logProb(z);
    await expect(lq2).toBeCloseTensor(lq, { atol: 1e-4, rtol: 1e-5 });
    await expectNoLeaks(() => q.logProb(z));
    tf.dispose([loc, w, s, pts, lp, eps, z, lq, lq2]);
    tree.dispose(p);
  });
});
