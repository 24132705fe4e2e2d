import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import {
  boolean,
  corrCholesky,
  greaterThan,
  independent,
  integerInterval,
  interval,
  lessThan,
  lowerCholesky,
  nonNegative,
  nonNegativeInteger,
  oneHot,
  ordered,
  positive,
  positiveDefinite,
  real,
  realVector,
  simplex,
  unitInterval,
  type KindedConstraint,
} from '../../src/constraints/constraints.js';
import { bijectTo, constrainedShape, unconstrainedShape } from '../../src/constraints/biject-to.js';
import { autodiffLogDet, lowerPositions } from '../bijectors/jacobian-helpers.js';

/** Each continuous constraint with an event shape to test at. */
const cases: [KindedConstraint, number[]][] = [
  [real, []],
  [positive, []],
  [nonNegative, []],
  [unitInterval, []],
  [interval(-2, 5), []],
  [greaterThan(1.5), []],
  [lessThan(-3), []],
  [realVector, [3]],
  [simplex, [4]],
  [ordered, [5]],
  [lowerCholesky, [3, 3]],
  [corrCholesky, [3, 3]],
  [positiveDefinite, [3, 3]],
  [independent(positive, 1), [4]],
  [independent(interval(0, 1), 2), [2, 3]],
  [independent(simplex, 1), [2, 3]],
];

describe('bijectTo', () => {
  cases.forEach(([c, event], ci) => {
    it(`${c.name}: forward(random x) lies in the constraint; shapes; round trip`, async () => {
      const b = bijectTo(c);
      const u = unconstrainedShape(c, event);
      expect(b.inverseEventShape(event)).toEqual(u);
      expect(b.forwardEventShape(u)).toEqual(event);
      expect(constrainedShape(c, u)).toEqual(event);
      expect(b.inverseMinEventRank).toBe(c.eventRank);
      // Unconstrained draws with scale 1.5 (a float32-safe range: no saturation of sigmoid/exp).
      const x = tf.tidy(() => tf.mul(1.5, random.normal(key(300 + ci), [6, ...u])));
      const y = b.forward(x);
      expect(y.shape).toEqual([6, ...event]);
      const ok = c.check(y);
      expect(ok.shape).toEqual([6, ...event.slice(0, event.length - c.eventRank)]);
      expect(Array.from(await ok.data()).every((v) => v === 1)).toBe(true);
      await expect(b.inverse(y)).toBeCloseTensor(x, { rtol: 1e-3, atol: 2e-3 });
      const ldj = b.forwardLogDetJacobian(x);
      expect(ldj.shape).toEqual([6, ...u.slice(0, u.length - b.forwardMinEventRank)]);
      b.dispose();
      tf.dispose([x, y, ok, ldj]);
    });
  });

  it('interval(a, b) log-det agrees with autodiff: log(b - a) + log σ(x)(1 - σ(x))', async () => {
    const b = bijectTo(interval(-2, 5));
    const x = random.normal(key(9), [4]);
    const { jac } = await autodiffLogDet((v) => b.forward(v), x);
    const diag = [0, 1, 2, 3].map((i) => Math.log(Math.abs(jac[i * 4 + i]!)));
    await expect(b.forwardLogDetJacobian(x)).toBeCloseTensor(diag, { rtol: 1e-4, atol: 1e-5 });
    b.dispose();
  });

  it('positiveDefinite log-det agrees with autodiff on the lower-triangle coordinates', async () => {
    const b = bijectTo(positiveDefinite);
    const x = random.normal(key(10), [6]);
    const { logDet } = await autodiffLogDet((v) => b.forward(v), x, lowerPositions(3));
    await expect(b.forwardLogDetJacobian(x)).toBeCloseTensor(logDet, { rtol: 1e-3, atol: 1e-3 });
    b.dispose();
  });

  it('codomains: the bijector knows the set it maps onto', () => {
    for (const [c] of cases) {
      const b = bijectTo(c);
      expect(b.codomain?.name, c.name).toBe(c.name === 'nonNegative' ? 'positive' : c.name === 'realVector' ? 'realVector' : c.name);
      b.dispose();
    }
  });

  it('rejects discrete constraints and non-constraints with a clear error', () => {
    for (const c of [nonNegativeInteger, boolean, oneHot, integerInterval(0, 3)]) {
      expect(() => bijectTo(c)).toThrow(new RegExp(`bijectTo: no bijection onto discrete support '${c.name.replace(/[()]/g, '\\$&')}'`));
      expect(() => unconstrainedShape(c, [])).toThrow(/no bijection onto discrete support/);
    }
    expect(() => bijectTo({} as KindedConstraint)).toThrow(/bijectTo: argument 'constraint' must be a constraint/);
    expect(() => unconstrainedShape(simplex, [])).toThrow(/unconstrainedShape: event shape \[\] has rank below 1/);
    expect(() => unconstrainedShape(lowerCholesky, [2, 3])).toThrow(/needs a square event shape/);
    expect(() => constrainedShape(lowerCholesky, [4])).toThrow(/last dimension must be d\(d\+1\)\/2/);
  });

  it('has no leaks', async () => {
    const xs = cases.map(([c, event], i) => random.normal(key(400 + i), [2, ...unconstrainedShape(c, event)]));
    await expectNoLeaks(() => {
      const out: tf.Tensor[] = [];
      cases.forEach(([c], i) => {
        const b = bijectTo(c);
        const y = b.forward(xs[i]!);
        out.push(y, b.inverse(y), b.forwardLogDetJacobian(xs[i]!), b.inverseLogDetJacobian(y));
        b.dispose();
      });
      return out;
    });
    tf.dispose(xs);
  });
});
