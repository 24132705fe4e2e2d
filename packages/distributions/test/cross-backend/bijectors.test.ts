import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorrCholesky } from '../../src/bijectors/corr-cholesky.js';
import { Exp } from '../../src/bijectors/exp.js';
import { Scale } from '../../src/bijectors/scale.js';
import { StickBreaking } from '../../src/bijectors/stick-breaking.js';
import { TransformedDistribution } from '../../src/combinators/transformed-distribution.js';
import { bijectTo } from '../../src/constraints/biject-to.js';
import { positiveDefinite } from '../../src/constraints/constraints.js';
import { Normal } from '../../src/families/normal.js';

beforeAll(() => {
  // Small tensors would otherwise run on the CPU and the WebGPU kernels would go untested (DESIGN.md).
  if (tf.getBackend() === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
});

// A few bijector paths on each backend (cpu, wasm, webgpu): gather/cumsum packing, stick breaking,
// the positive-definite chain (matmul + Cholesky), and a transformed density against a host formula.
describe(`bijectors on ${tf.getBackend()}`, () => {
  it('StickBreaking and CorrCholesky: values and log-dets against host float64', async () => {
    const sb = new StickBreaking();
    await expect(sb.forward([0, 0, 0])).toBeCloseTensor([0.25, 0.25, 0.25, 0.25], { rtol: 1e-5 });
    // x = 0: z = σ(-log(K-1-i)) = 1/(K-i); log|det| = Σ log zᵢ + log(1 - zᵢ) + Σ_{k<i} log(1 - z_k).
    const z = [1 / 4, 1 / 3, 1 / 2];
    let ldj = 0;
    let acc = 0;
    for (const zi of z) {
      ldj += Math.log(zi) + Math.log(1 - zi) + acc;
      acc += Math.log(1 - zi);
    }
    await expect(sb.forwardLogDetJacobian([0, 0, 0])).toBeCloseTensor(ldj, { rtol: 1e-5 });
    const cc = new CorrCholesky();
    const l = Math.tanh(0.5);
    await expect(cc.forward([0.5])).toBeCloseTensor([[1, 0], [l, Math.sqrt(1 - l * l)]], { rtol: 1e-5, atol: 1e-6 });
    // d = 2: only the tanh part, log(1 - tanh²(0.5)).
    await expect(cc.forwardLogDetJacobian([0.5])).toBeCloseTensor(Math.log(1 - l * l), { rtol: 1e-5 });
  });

  it('bijectTo(positiveDefinite) round trip', async () => {
    const b = bijectTo(positiveDefinite);
    const x = tf.tensor1d([0.3, -0.5, 1.2, 0.1, 0.7, -0.4]);
    const y = b.forward(x);
    expect(Array.from(await positiveDefinite.check(y).data())).toEqual([1]);
    await expect(b.inverse(y)).toBeCloseTensor(x, { rtol: 1e-3, atol: 1e-3 });
    b.dispose();
    tf.dispose([x, y]);
  });

  it('tensor parameters are checked at construction (cpu, wasm) or by await validate() (WebGPU)', async () => {
    const bad = tf.tensor1d([1, 0]);
    if (tf.getBackend() === 'webgpu') {
      const b = new Scale({ scale: bad });
      await expect(b.validate()).rejects.toThrow(/Scale: argument 'scale' must be non-zero and finite, got 0 at flat index 1/);
      b.dispose();
    } else {
      expect(() => new Scale({ scale: bad })).toThrow(/Scale: argument 'scale' must be non-zero and finite, got 0 at flat index 1/);
    }
    const two = tf.tensor1d([1, 2]);
    const good = new Scale({ scale: two });
    await expect(good.validate()).resolves.toBe(good);
    good.dispose();
    two.dispose();
    bad.dispose();
  });

  it('Normal + Exp = log-normal density', async () => {
    const base = new Normal({ loc: 0.3, scale: 0.8 });
    const d = new TransformedDistribution({ distribution: base, bijector: new Exp() });
    const ys = [0.05, 1, 10];
    const lp = (y: number) => -Math.log(y) - Math.log(0.8) - 0.5 * Math.log(2 * Math.PI) - (Math.log(y) - 0.3) ** 2 / (2 * 0.64);
    await expect(d.logProb(ys)).toBeCloseTensor(ys.map(lp), { rtol: 1e-5, atol: 1e-5 });
    base.dispose();
  });
});
