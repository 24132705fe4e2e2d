import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/bijectors/chain.js';
import { CholeskyOuterProduct } from '../../src/bijectors/cholesky-outer-product.js';
import { CorrCholesky } from '../../src/bijectors/corr-cholesky.js';
import { Exp } from '../../src/bijectors/exp.js';
import { FillScaleTriL } from '../../src/bijectors/fill-scale-tril.js';
import { IndependentBijector } from '../../src/bijectors/independent-bijector.js';
import { Invert } from '../../src/bijectors/invert.js';
import { Ordered } from '../../src/bijectors/ordered.js';
import { Scale } from '../../src/bijectors/scale.js';
import { ScaleMatvecTriL } from '../../src/bijectors/scale-matvec-tril.js';
import { SoftmaxCentered } from '../../src/bijectors/softmax-centered.js';
import { StickBreaking } from '../../src/bijectors/stick-breaking.js';
import type { Bijector } from '../../src/bijectors/types.js';
import { corrCholesky, lowerCholesky, ordered, positiveDefinite, simplex } from '../../src/constraints/constraints.js';
import { host } from '../helpers/stats.js';
import { autodiffLogDet, lowerPositions } from './jacobian-helpers.js';

/**
 * Each case: the bijector, its unconstrained input shape, and the free coordinates on which the
 * log-det-Jacobian is defined: `rows` are output positions (flat, row-major) and `cols` input
 * positions; for maps onto a simplex the first K-1 outputs, for triangular outputs the lower
 * (FillScaleTriL, CholeskyOuterProduct) or strictly lower (CorrCholesky) entries.
 */
interface Case {
  readonly label: string;
  readonly make: () => Bijector;
  readonly inShape: number[];
  readonly outShape: number[];
  readonly rows?: number[];
  readonly cols?: number[];
  /** Maps standard normals into the domain (default: identity). */
  readonly domain?: (z: tf.Tensor) => tf.Tensor;
  readonly image?: { check(x: tf.Tensor): tf.Tensor };
  /** For inputs on a manifold (a simplex): maps the free input coordinates to the input, and back. */
  readonly embed?: { to: (v: tf.Tensor) => tf.Tensor; from: (x: tf.Tensor) => tf.Tensor };
}

const L3 = [
  [1.5, 0, 0],
  [-0.4, 0.8, 0],
  [0.3, 1.1, -2.0],
];

const cases: Case[] = [
  { label: 'ScaleMatvecTriL', make: () => new ScaleMatvecTriL({ scaleTril: L3 }), inShape: [3], outShape: [3] },
  { label: 'StickBreaking (K = 4)', make: () => new StickBreaking(), inShape: [3], outShape: [4], rows: [0, 1, 2], image: simplex },
  { label: 'SoftmaxCentered (K = 4)', make: () => new SoftmaxCentered(), inShape: [3], outShape: [4], rows: [0, 1, 2], image: simplex },
  { label: 'Ordered (K = 4)', make: () => new Ordered(), inShape: [4], outShape: [4], image: ordered },
  { label: 'FillScaleTriL softplus (d = 3)', make: () => new FillScaleTriL(), inShape: [6], outShape: [3, 3], rows: lowerPositions(3), image: lowerCholesky },
  {
    label: 'FillScaleTriL exp, diagShift 1e-3 (d = 4)',
    make: () => new FillScaleTriL({ diagBijector: new Exp(), diagShift: 1e-3 }),
    inShape: [10],
    outShape: [4, 4],
    rows: lowerPositions(4),
    image: lowerCholesky,
  },
  { label: 'CorrCholesky (d = 3)', make: () => new CorrCholesky(), inShape: [3], outShape: [3, 3], rows: lowerPositions(3, true), image: corrCholesky },
  { label: 'CorrCholesky (d = 4)', make: () => new CorrCholesky(), inShape: [6], outShape: [4, 4], rows: lowerPositions(4, true), image: corrCholesky },
  {
    label: 'CholeskyOuterProduct (d = 3)',
    make: () => new CholeskyOuterProduct(),
    inShape: [3, 3],
    outShape: [3, 3],
    rows: lowerPositions(3),
    cols: lowerPositions(3),
    domain: (z) => tf.add(tf.mul(z, tf.linalg.bandPart(tf.ones([3, 3]), -1, 0)), tf.mul(tf.eye(3), tf.add(tf.abs(z), 0.5))),
    image: positiveDefinite,
  },
  {
    label: 'Chain([CholeskyOuterProduct, FillScaleTriL]) (d = 3)',
    make: () => new Chain([new CholeskyOuterProduct(), new FillScaleTriL()]),
    inShape: [6],
    outShape: [3, 3],
    rows: lowerPositions(3),
    image: positiveDefinite,
  },
  { label: 'IndependentBijector(Exp, 1)', make: () => new IndependentBijector(new Exp(), 1), inShape: [4], outShape: [4] },
  { label: 'Chain([Exp, Ordered]) (elementwise after a vector map)', make: () => new Chain([new Exp(), new Ordered()]), inShape: [4], outShape: [4] },
  { label: 'Chain([Ordered, Scale([1,2,3,4])])', make: () => new Chain([new Ordered(), new Scale({ scale: [1, 2, 3, 4] })]), inShape: [4], outShape: [4], image: ordered },
    {
    label: 'Invert(StickBreaking) (simplex → R^{K-1}, on the first K-1 input coordinates)',
    make: () => new Invert(new StickBreaking()),
    inShape: [4],
    outShape: [3],
    domain: (z) => tf.softmax(z),
    embed: { to: (v) => tf.concat([v, tf.sub(1, tf.sum(v, -1, true))], -1), from: (x) => tf.slice(x, [0], [3]) },
  },
];

describe('vector and matrix bijectors', () => {
  cases.forEach((c, ci) => {
    describe(c.label, () => {
      const input = (batch: number[] = []) => tf.tidy(() => (c.domain ?? ((z: tf.Tensor) => z))(random.normal(key(200 + ci), [...batch, ...c.inShape])));

      it('inverse(forward(x)) ≈ x, shapes, and the image lies in the constraint', async () => {
        const b = c.make();
        const x = input([2]);
        const y = b.forward(x);
        expect(y.shape).toEqual([2, ...c.outShape]);
        expect(b.forwardEventShape(c.inShape)).toEqual(c.outShape);
        expect(b.inverseEventShape(c.outShape)).toEqual(c.inShape);
        await expect(b.inverse(y)).toBeCloseTensor(x, { rtol: 1e-3, atol: 1e-3 });
        if (c.image) expect(Array.from(await c.image.check(y).data())).toEqual([1, 1]);
        b.dispose();
      });

      it('forwardLogDetJacobian = log|det| of the autodiff Jacobian on the free coordinates', async () => {
        const b = c.make();
        const x = input();
        const e = c.embed;
        const { logDet } = e
          ? await autodiffLogDet((v) => b.forward(e.to(v)), tf.tidy(() => e.from(x)), c.rows, c.cols)
          : await autodiffLogDet((v) => b.forward(v), x, c.rows, c.cols);
        const ldj = b.forwardLogDetJacobian(x);
        expect(ldj.shape).toEqual([]);
        await expect(ldj).toBeCloseTensor(logDet, { rtol: 1e-3, atol: 1e-3 });
        b.dispose();
      });

      it('batched log-dets equal per-event values; inverseLogDetJacobian(y) = -forwardLogDetJacobian(inverse(y))', async () => {
        const b = c.make();
        const x = input([3]);
        const ldj = b.forwardLogDetJacobian(x);
        expect(ldj.shape).toEqual([3]);
        const rows = tf.unstack(x);
        const each = await Promise.all(rows.map(async (r) => (await host(b.forwardLogDetJacobian(r)))[0]!));
        await expect(ldj).toBeCloseTensor(each, { rtol: 1e-5, atol: 1e-5 });
        const y = b.forward(x);
        await expect(b.inverseLogDetJacobian(y)).toBeCloseTensor(tf.neg(b.forwardLogDetJacobian(b.inverse(y))), { rtol: 1e-4, atol: 1e-3 });
        b.dispose();
      });

      it('has no leaks', async () => {
        const x = input([2]);
        await expectNoLeaks(() => {
          const b = c.make();
          const y = b.forward(x);
          const out = [y, b.inverse(y), b.forwardLogDetJacobian(x), b.inverseLogDetJacobian(y)];
          b.dispose();
          return out;
        });
        x.dispose();
      });
    });
  });
});

describe('vector bijector details', () => {
  it('FillScaleTriL packs row-major over the lower triangle and transforms only the diagonal', async () => {
    const b = new FillScaleTriL({ diagBijector: new Exp() });
    // x = [L00, L10, L11, L20, L21, L22]
    const y = b.forward([0, 2, Math.log(3), 4, 5, Math.log(6)]);
    await expect(y).toBeCloseTensor(
      [
        [1, 0, 0],
        [2, 3, 0],
        [4, 5, 6],
      ],
      { rtol: 1e-5 },
    );
    b.dispose();
  });
  it('CorrCholesky gives unit-norm rows with the partial correlations tanh(x) in the first column', async () => {
    const b = new CorrCholesky();
    const x = [0.3, -1.2, 0.7];
    const l = await host(b.forward(x));
    // First column below the diagonal: z10 = tanh(0.3), z20 = tanh(-1.2); L00 = 1.
    expect(l[0]).toBeCloseTo(1, 6);
    expect(l[3]).toBeCloseTo(Math.tanh(0.3), 6);
    expect(l[6]).toBeCloseTo(Math.tanh(-1.2), 6);
    // Row 2: L21 = tanh(0.7) sqrt(1 - L20²), L22 = sqrt(1 - L20² - L21²).
    const l21 = Math.tanh(0.7) * Math.sqrt(1 - Math.tanh(-1.2) ** 2);
    expect(l[7]).toBeCloseTo(l21, 6);
    expect(l[8]).toBeCloseTo(Math.sqrt(1 - Math.tanh(-1.2) ** 2 - l21 ** 2), 6);
    b.dispose();
  });
  it('StickBreaking maps 0 to the uniform vector, and SoftmaxCentered to softmax([x, 0])', async () => {
    await expect(new StickBreaking().forward([0, 0, 0])).toBeCloseTensor([0.25, 0.25, 0.25, 0.25], { rtol: 1e-6 });
    const e = [Math.exp(1), Math.exp(-1), 1];
    const s = e[0]! + e[1]! + e[2]!;
    await expect(new SoftmaxCentered().forward([1, -1])).toBeCloseTensor(e.map((v) => v / s), { rtol: 1e-6 });
  });
  it('Ordered: y0 = x0, yi = y(i-1) + exp(xi)', async () => {
    await expect(new Ordered().forward([1, 0, Math.log(2)])).toBeCloseTensor([1, 2, 4], { rtol: 1e-6 });
  });
  it('ScaleMatvecTriL reads only the lower triangle and broadcasts batches of matrices', async () => {
    const b = new ScaleMatvecTriL({ scaleTril: [[[2, 99], [1, 3]], [[1, 0], [0, 1]]] });
    expect(b.batchShape).toEqual([2]);
    await expect(b.forward([1, 1])).toBeCloseTensor([[2, 4], [1, 1]]);
    await expect(b.forwardLogDetJacobian([1, 1])).toBeCloseTensor([Math.log(6), 0], { rtol: 1e-6 });
    b.dispose();
  });
  it('Chain tracks event ranks: Chain([Exp, Ordered]) has min event rank 1, Chain([CholeskyOuterProduct, FillScaleTriL]) goes 1 → 2', () => {
    const a = new Chain([new Exp(), new Ordered()]);
    expect([a.forwardMinEventRank, a.inverseMinEventRank]).toEqual([1, 1]);
    const p = new Chain([new CholeskyOuterProduct(), new FillScaleTriL()]);
    expect([p.forwardMinEventRank, p.inverseMinEventRank]).toEqual([1, 2]);
    expect(p.codomain?.name).toBe('positiveDefinite');
    const e = new Chain([]);
    expect([e.forwardMinEventRank, e.inverseMinEventRank]).toEqual([0, 0]);
    a.dispose();
    p.dispose();
  });
});

describe('vector bijectors at edge sizes', () => {
  it('d = 1 and K = 2: FillScaleTriL [x] → [[softplus x]], CorrCholesky [] → [[1]], StickBreaking [x] → [σ(x), 1 - σ(x)]', async () => {
    await expect(new FillScaleTriL().forward([0])).toBeCloseTensor([[Math.log(2)]], { rtol: 1e-6 });
    const cc = new CorrCholesky();
    await expect(cc.forward(tf.zeros([0]))).toBeCloseTensor([[1]]);
    await expect(cc.forwardLogDetJacobian(tf.zeros([0]))).toBeCloseTensor(0);
    expect(cc.inverse([[1]]).shape).toEqual([0]);
    const s = 1 / (1 + Math.exp(-0.7));
    await expect(new StickBreaking().forward([0.7])).toBeCloseTensor([s, 1 - s], { rtol: 1e-6 });
    await expect(new Ordered().forward([[2.5]])).toBeCloseTensor([[2.5]]);
    await expect(new Ordered().forwardLogDetJacobian([2.5])).toBeCloseTensor(0);
  });
});

describe('vector bijector errors', () => {
  it('reject bad shapes and parameters, naming the argument', () => {
    expect(() => new FillScaleTriL().forward([1, 2, 3, 4])).toThrow(/FillScaleTriL: argument 'x' last dimension must be d\(d\+1\)\/2 for some d, got shape \[4\]/);
    expect(() => new CorrCholesky().forward([1, 2])).toThrow(/CorrCholesky: argument 'x' last dimension must be d\(d-1\)\/2/);
    expect(() => new FillScaleTriL().forward(1)).toThrow(/FillScaleTriL: argument 'x' must have rank >= 1/);
    expect(() => new FillScaleTriL().inverse([[1, 0, 0]])).toThrow(/FillScaleTriL: argument 'y' must end in a square matrix/);
    expect(() => new FillScaleTriL({ diagShift: -1 })).toThrow(/FillScaleTriL: argument 'diagShift' must be a non-negative finite number/);
    expect(() => new FillScaleTriL({ diagBijector: new Ordered() })).toThrow(/FillScaleTriL: argument 'diagBijector' must be elementwise/);
    expect(() => new ScaleMatvecTriL({ scaleTril: [[1, 0], [2, 0]] })).toThrow(/ScaleMatvecTriL: argument 'scaleTril' must have a non-zero finite diagonal, got 0 at \[1, 1\]/);
    expect(() => new ScaleMatvecTriL({ scaleTril: [1, 2] })).toThrow(/ScaleMatvecTriL: argument 'scaleTril' must end in a square matrix/);
    const s = new ScaleMatvecTriL({ scaleTril: [[1, 0], [2, 1]] });
    expect(() => s.forward([1, 2, 3])).toThrow(/ScaleMatvecTriL: argument 'x' must end in dimension 2, got shape \[3\]/);
    s.dispose();
    expect(() => new IndependentBijector(new Exp(), -1)).toThrow(/IndependentBijector: argument 'reinterpretedNdims' must be a non-negative integer/);
    expect(() => new Ordered().forward(3)).toThrow(/Ordered: argument 'x' must have rank >= 1/);
  });
});
