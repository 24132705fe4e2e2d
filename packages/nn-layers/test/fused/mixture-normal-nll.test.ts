import * as tf from '@tensorflow/tfjs-core';
import { key, random, split, tree, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { mixtureNormalNll } from '../../src/fused/mixture-normal-nll.js';
import { mixtureNormal } from '../../src/heads/index.js';
import { negativeLogLikelihood } from '../../src/losses/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';

// The fused MDN loss against a float64 host implementation (values, finite-difference gradients)
// and against the package's own path (mixtureNormal head + negativeLogLikelihood). Fast on cpu.

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** −log p(y_i) per example, float64, for features in the head's layout (blocks: K logits, K locs, K raw scales). */
function hostNll(features: Float64Array, y: Float64Array, k: number, shift = 1e-3): number[] {
  const n = y.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = features.subarray(i * 3 * k, (i + 1) * 3 * k);
    const logits = Array.from(row.subarray(0, k));
    const mL = Math.max(...logits);
    const lseL = mL + Math.log(logits.reduce((a, l) => a + Math.exp(l - mL), 0));
    const lp = logits.map((l, j) => {
      const loc = row[k + j]!;
      const raw = row[2 * k + j]!;
      const scale = shift + (raw > 0 ? raw + Math.log1p(Math.exp(-raw)) : Math.log1p(Math.exp(raw)));
      const z = (y[i]! - loc) / scale;
      return l - lseL - 0.5 * z * z - Math.log(scale) - HALF_LOG_2PI;
    });
    const m = Math.max(...lp);
    out.push(-(m + Math.log(lp.reduce((a, v) => a + Math.exp(v - m), 0))));
  }
  return out;
}

function data(seed: number, lead: number[], k: number): { features: tf.Tensor; y: tf.Tensor } {
  const [k1, k2] = split(key(seed), 2);
  return { features: tf.mul(random.normal(k1!, [...lead, 3 * k]), 1.5), y: random.normal(k2!, [...lead, 1]) };
}

describe('mixtureNormalNll', () => {
  it('per-example values, mean and sum match a float64 host implementation', async () => {
    const k = 4;
    const { features, y } = data(1, [6], k);
    const want = hostNll(Float64Array.from(await features.data()), Float64Array.from(await y.data()), k);
    const none = mixtureNormalNll(features, y, { numComponents: k, reduction: 'none' });
    const mean = mixtureNormalNll(features, y, { numComponents: k });
    const sum = mixtureNormalNll(features, y, { numComponents: k, reduction: 'sum' });
    expect(none.shape).toEqual([6]);
    expect(mean.shape).toEqual([]);
    await expect(none).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-5 });
    await expect(mean).toBeCloseTensor(want.reduce((a, b) => a + b, 0) / 6, { rtol: 1e-5, atol: 1e-5 });
    await expect(sum).toBeCloseTensor(want.reduce((a, b) => a + b, 0), { rtol: 1e-5, atol: 1e-5 });
    tree.dispose([features, y, none, mean, sum]);
  });

  it('agrees with negativeLogLikelihood(mixtureNormal(K, [1]).apply(features), y) in value and gradient', async () => {
    const k = 3;
    const { features, y } = data(2, [2, 5], k);
    const head = mixtureNormal(k, [1]);
    const viaHead = (f: tf.Tensor) => {
      const dist = head.apply(f, { validateArgs: false });
      const l = negativeLogLikelihood(dist, y);
      dist.dispose();
      return l;
    };
    const [vf, gf] = valueAndGrad((f: tf.Tensor) => mixtureNormalNll(f, y, { numComponents: k }) as tf.Scalar)(features);
    const [vh, gh] = valueAndGrad(viaHead)(features);
    await expect(vf).toBeCloseTensor(vh, { rtol: 1e-5, atol: 1e-5 });
    await expect(gf).toBeCloseTensor(gh, { rtol: 1e-4, atol: 1e-6 });
    tree.dispose([features, y, vf, gf, vh, gh]);
  });

  it('accepts y without the event axis and restores leading batch dimensions', async () => {
    const k = 2;
    const { features, y } = data(3, [2, 3], k);
    const a = mixtureNormalNll(features, tf.reshape(y, [2, 3]), { numComponents: k, reduction: 'none' });
    const b = mixtureNormalNll(features, y, { numComponents: k, reduction: 'none' });
    expect(a.shape).toEqual([2, 3]);
    await expect(a).toBeCloseTensor(b, { rtol: 0, atol: 0 });
    tree.dispose([features, y, a, b]);
  });

  for (const reduction of ['mean', 'none'] as const) {
    it(`gradients w.r.t. features and y match finite differences (${reduction})`, async () => {
      const k = 3;
      const n = 4;
      const { features, y } = data(4, [n], k);
      const [kw] = split(key(40), 1);
      const weights = random.uniform(kw!, [n]);
      const wv = Float64Array.from(await weights.data());
      await expectGradientsMatchHost(
        (f, yy) => {
          const l = mixtureNormalNll(f!, yy!, { numComponents: k, reduction });
          return (reduction === 'none' ? tf.sum(tf.mul(l, weights)) : l) as tf.Scalar;
        },
        ([f, yy]) => {
          const per = hostNll(f!, yy!, k);
          return reduction === 'none' ? per.reduce((a, v, i) => a + v * wv[i]!, 0) : per.reduce((a, v) => a + v, 0) / n;
        },
        [
          { values: Float64Array.from(await features.data()), shape: [n, 3 * k] },
          { values: Float64Array.from(await y.data()), shape: [n, 1] },
        ],
      );
      tree.dispose([features, y, weights]);
    });
  }

  it('rejects bad options and shapes with errors naming them', () => {
    const f = tf.zeros([4, 9]);
    const y = tf.zeros([4, 1]);
    expect(() => mixtureNormalNll(f, y, { numComponents: 0 })).toThrow(/numComponents/);
    expect(() => mixtureNormalNll(f, y, { numComponents: 4 })).toThrow(/last dimension 3·numComponents = 12.*\[4, 9\]/);
    expect(() => mixtureNormalNll(f, tf.zeros([4, 2]), { numComponents: 3 })).toThrow(/y must have shape \[4, 1\] or \[4\]/);
    expect(() => mixtureNormalNll(f, y, { numComponents: 3, scaleShift: -1 })).toThrow(/scaleShift/);
    expect(() => mixtureNormalNll(f, y, { numComponents: 3, reduction: 'max' as never })).toThrow(/reduction/);
    tf.dispose([f, y]);
  });

  it('no leaks, with and without a gradient', async () => {
    const { features, y } = data(5, [3], 2);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeaks(() => mixtureNormalNll(features, y, { numComponents: 2, reduction }));
      await expectNoLeaks(() => valueAndGrad((f: tf.Tensor) => tf.sum(mixtureNormalNll(f, y, { numComponents: 2, reduction })) as tf.Scalar)(features));
    }
    tree.dispose([features, y]);
  });
});
