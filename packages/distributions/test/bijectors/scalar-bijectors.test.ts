import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Affine } from '../../src/bijectors/affine.js';
import { Chain } from '../../src/bijectors/chain.js';
import { Exp } from '../../src/bijectors/exp.js';
import { Identity } from '../../src/bijectors/identity.js';
import { Invert } from '../../src/bijectors/invert.js';
import { Log } from '../../src/bijectors/log.js';
import { Power } from '../../src/bijectors/power.js';
import { Scale } from '../../src/bijectors/scale.js';
import { Shift } from '../../src/bijectors/shift.js';
import { Sigmoid } from '../../src/bijectors/sigmoid.js';
import { Softplus } from '../../src/bijectors/softplus.js';
import { Tanh } from '../../src/bijectors/tanh.js';
import type { Bijector } from '../../src/bijectors/types.js';
import { host } from '../helpers/stats.js';
import { autodiffLogDet } from './jacobian-helpers.js';

interface Case {
  readonly label: string;
  readonly make: () => Bijector;
  /** Inputs in the domain from standard normals z. */
  readonly domain: (z: tf.Tensor) => tf.Tensor;
  readonly increasing: boolean | undefined;
}

const realInputs = (z: tf.Tensor) => tf.mul(2, z);
const positiveInputs = (z: tf.Tensor) => tf.exp(z);

const cases: Case[] = [
  { label: 'Identity', make: () => new Identity(), domain: realInputs, increasing: true },
  { label: 'Shift(1.5)', make: () => new Shift({ shift: 1.5 }), domain: realInputs, increasing: true },
  { label: 'Scale(-2)', make: () => new Scale({ scale: -2 }), domain: realInputs, increasing: false },
  { label: 'Scale([0.5, 3, -1, 2, 4]) elementwise', make: () => new Scale({ scale: [0.5, 3, -1, 2, 4] }), domain: realInputs, increasing: undefined },
  { label: 'Affine(1, 3)', make: () => new Affine({ shift: 1, scale: 3 }), domain: realInputs, increasing: true },
  { label: 'Exp', make: () => new Exp(), domain: realInputs, increasing: true },
  { label: 'Log', make: () => new Log(), domain: positiveInputs, increasing: true },
  { label: 'Softplus', make: () => new Softplus(), domain: realInputs, increasing: true },
  { label: 'Sigmoid', make: () => new Sigmoid(), domain: realInputs, increasing: true },
  { label: 'Tanh', make: () => new Tanh(), domain: realInputs, increasing: true },
  { label: 'Power(2.5)', make: () => new Power({ power: 2.5 }), domain: positiveInputs, increasing: true },
  { label: 'Power(-0.5)', make: () => new Power({ power: -0.5 }), domain: positiveInputs, increasing: false },
  { label: 'Invert(Sigmoid) (logit)', make: () => new Invert(new Sigmoid()), domain: (z) => tf.sigmoid(z), increasing: true },
  { label: 'Chain([Shift(2), Scale(3), Tanh])', make: () => new Chain([new Shift({ shift: 2 }), new Scale({ scale: 3 }), new Tanh()]), domain: realInputs, increasing: true },
  { label: 'Chain([Scale(-1), Exp])', make: () => new Chain([new Scale({ scale: -1 }), new Exp()]), domain: realInputs, increasing: false },
];

describe('scalar bijectors', () => {
  cases.forEach((c, ci) => {
    describe(c.label, () => {
      const input = () => tf.tidy(() => c.domain(random.normal(key(100 + ci), [5])));

      it('inverse(forward(x)) ≈ x', async () => {
        const b = c.make();
        const x = input();
        const y = b.forward(x);
        // float32 round trip: relative 1e-4 (Tanh/Sigmoid lose digits where they saturate; |x| <= ~6 here).
        await expect(b.inverse(y)).toBeCloseTensor(x, { rtol: 2e-4, atol: 1e-4 });
        b.dispose();
      });

      it('forwardLogDetJacobian = log|dy/dx| from the autodiff Jacobian (diagonal; off-diagonal zero)', async () => {
        const b = c.make();
        const x = input();
        const { jac } = await autodiffLogDet((v) => b.forward(v), x);
        const n = x.size;
        const diag = Array.from({ length: n }, (_, i) => Math.log(Math.abs(jac[i * n + i]!)));
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) expect(Math.abs(jac[i * n + j]!)).toBe(0);
        await expect(b.forwardLogDetJacobian(x)).toBeCloseTensor(diag, { rtol: 1e-4, atol: 1e-4 });
        b.dispose();
      });

      it('inverseLogDetJacobian(y) = -forwardLogDetJacobian(inverse(y))', async () => {
        const b = c.make();
        const y = b.forward(input());
        const x = b.inverse(y);
        await expect(b.inverseLogDetJacobian(y)).toBeCloseTensor(tf.neg(b.forwardLogDetJacobian(x)), { rtol: 1e-4, atol: 1e-4 });
        b.dispose();
      });

      it('monotonicity flag matches the Jacobian sign', async () => {
        const b = c.make();
        expect(b.increasing).toBe(c.increasing);
        if (c.increasing !== undefined) {
          const { jac } = await autodiffLogDet((v) => b.forward(v), input());
          for (let i = 0; i < 5; i++) expect(jac[i * 5 + i]! > 0).toBe(c.increasing);
        }
        b.dispose();
      });

      it('keeps shapes (elementwise), accepts numbers and arrays, and has no leaks', async () => {
        const b = c.make();
        const x = input();
        const arr = Array.from(await host(x));
        await expect(b.forward(arr)).toBeCloseTensor(b.forward(x), { rtol: 1e-6 });
        const x2 = tf.reshape(tf.tile(x, [2]), [2, 5]);
        expect(b.forward(x2).shape).toEqual([2, 5]);
        expect(b.forwardLogDetJacobian(x2).shape).toEqual([2, 5]);
        expect(b.forwardEventShape([5])).toEqual([5]);
        expect(b.inverseEventShape([5])).toEqual([5]);
        b.dispose();
        await expectNoLeaks(() => {
          const bb = c.make();
          const y = bb.forward(x);
          const out = [y, bb.inverse(y), bb.forwardLogDetJacobian(x), bb.inverseLogDetJacobian(y)];
          bb.dispose();
          return out;
        });
      });
    });
  });
});

describe('scalar bijector details', () => {
  it('Softplus inverse is stable for small and large y', async () => {
    const b = new Softplus();
    // softplus⁻¹(y) = log(e^y - 1): 1e-6 → log(1e-6 + 5e-13) ≈ -13.8155; 50 → 50.
    await expect(b.inverse([1e-6, 50])).toBeCloseTensor([Math.log(Math.expm1(1e-6)), 50], { rtol: 1e-5 });
    await expect(b.inverseLogDetJacobian([1e-6])).toBeCloseTensor([-Math.log(-Math.expm1(-1e-6))], { rtol: 1e-5 });
  });
  it('Tanh and Sigmoid log-dets stay finite far in the tails', async () => {
    const x = [-40, 40];
    // log(1 - tanh²x) = log 4 - 2|x| + O(e^{-2|x|}); log σ'(x) = -|x| + O(e^{-|x|}).
    await expect(new Tanh().forwardLogDetJacobian(x)).toBeCloseTensor([Math.log(4) - 80, Math.log(4) - 80], { rtol: 1e-6 });
    await expect(new Sigmoid().forwardLogDetJacobian(x)).toBeCloseTensor([-40, -40], { rtol: 1e-6 });
  });
  it('Identity returns a fresh tensor, never its input', () => {
    const x = tf.tensor1d([1, 2]);
    const y = new Identity().forward(x);
    expect(y).not.toBe(x);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
  it('parameters broadcast against x; batchShape is the parameter shape', async () => {
    const b = new Affine({ shift: [[0], [1]], scale: [1, 2, 3] });
    expect(b.batchShape).toEqual([2, 3]);
    await expect(b.forward(1)).toBeCloseTensor([[1, 2, 3], [2, 3, 4]]);
    await expect(b.forwardLogDetJacobian(1)).toBeCloseTensor([[0, Math.log(2), Math.log(3)], [0, Math.log(2), Math.log(3)]], { rtol: 1e-6 });
    b.dispose();
  });
  it('tensor parameters stay the caller’s; dispose frees only uploaded ones', () => {
    const s = tf.scalar(2);
    const b = new Scale({ scale: s });
    b.dispose();
    expect(s.isDisposed).toBe(false);
    s.dispose();
  });
});

describe('scalar bijector errors', () => {
  it('reject bad parameters, naming the argument', () => {
    expect(() => new Scale({ scale: 0 })).toThrow(/Scale: argument 'scale' must be non-zero and finite, got 0/);
    expect(() => new Scale({ scale: [1, Infinity] })).toThrow(/Scale: argument 'scale' must be non-zero and finite, got Infinity at flat index 1/);
    expect(() => new Affine({ shift: 0, scale: 0 })).toThrow(/Affine: argument 'scale' must be non-zero/);
    expect(() => new Affine({ shift: NaN, scale: 1 })).toThrow(/Affine: argument 'shift' must be finite/);
    expect(() => new Affine({ shift: [1, 2], scale: [1, 2, 3] })).toThrow(/'shift' \[2\] and 'scale' \[3\] do not broadcast/);
    expect(() => new Shift({ shift: Infinity })).toThrow(/Shift: argument 'shift' must be finite/);
    expect(() => new Power({ power: 0 })).toThrow(/Power: argument 'power' must be non-zero and finite/);
    expect(() => new Scale({ scale: tf.tensor1d([1, 0]) })).toThrow(/Scale: argument 'scale' must be non-zero/);
    // validateArgs: false skips the checks (hot loops).
    new Scale({ scale: 0, validateArgs: false }).dispose();
  });
  it('rejects bad inputs, naming them', () => {
    const b = new Exp();
    expect(() => b.forward('a' as unknown as number)).toThrow(/Exp: argument 'x' must be a number/);
    expect(() => new Invert({} as unknown as Bijector)).toThrow(/Invert: argument 'bijector' must be a Bijector/);
    expect(() => new Chain([new Exp(), 3 as unknown as Bijector])).toThrow(/Chain: argument 'bijectors' entry 1 is not a Bijector/);
  });
  it('leaks nothing when construction fails', async () => {
    await expectNoLeaks(() => {
      expect(() => new Affine({ shift: 1, scale: 0 })).toThrow();
      expect(() => new Affine({ shift: [1, 2], scale: [1, 2, 3] })).toThrow();
    });
  });
});
