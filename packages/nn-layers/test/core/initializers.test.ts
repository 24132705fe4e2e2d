import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  orthogonal,
  truncatedNormal,
  uniform,
  varianceScaling,
  xavierNormal,
  xavierUniform,
  zeros,
  type Initializer,
} from '../../src/initializers/index.js';
import { expectMoments, truncatedNormalMoments } from './stats.js';

async function draw(init: Initializer, shape: number[], seed = 0): Promise<Float32Array> {
  const t = init(key(seed), shape);
  expect(t.shape).toEqual(shape);
  expect(t.dtype).toBe('float32');
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

// Moments of the unit-variance shapes of each distribution, from their definitions:
// normal: μ4 = 3σ⁴; uniform on [-a, a): σ² = a²/3, μ4 = a⁴/5 = (9/5)σ⁴; the truncated normal by quadrature.
const TN = truncatedNormalMoments(-2, 2);
const KURTOSIS = { normal: 3, uniform: 9 / 5, truncated_normal: TN.m4 / (TN.m2 * TN.m2) } as const;

describe('truncated-normal correction', () => {
  it('0.87962566103423978 is the stddev of N(0,1) truncated to [-2, 2] (quadrature)', () => {
    expect(Math.sqrt(TN.m2)).toBeCloseTo(0.87962566103423978, 9);
  });
});

describe('computeFans (JAX _compute_fans, hand-derived)', () => {
  it('Dense kernel [in, out]', () => {
    expect(computeFans([14, 128])).toEqual({ fanIn: 14, fanOut: 128, receptiveField: 1 });
  });
  it('conv kernels [...k, in, out]: the spatial size multiplies both fans', () => {
    // Conv2D 3×5 kernel, 4 → 8 channels: receptive field 15, fanIn 15·4, fanOut 15·8.
    expect(computeFans([3, 5, 4, 8])).toEqual({ fanIn: 60, fanOut: 120, receptiveField: 15 });
    // Conv1D width 7, 2 → 16 channels.
    expect(computeFans([7, 2, 16])).toEqual({ fanIn: 14, fanOut: 112, receptiveField: 7 });
  });
  it('explicit in/out/batch axes', () => {
    // Six stacked [3, 4, 8] kernels: the batch axis counts in neither fan; receptive field 3.
    expect(computeFans([6, 3, 4, 8], { batchAxis: 0 })).toEqual({ fanIn: 12, fanOut: 24, receptiveField: 3 });
    // in = dims 0 and 1 (2·3), out = dim 2 (5).
    expect(computeFans([2, 3, 5], { inAxis: [0, 1], outAxis: 2 })).toEqual({ fanIn: 6, fanOut: 5, receptiveField: 1 });
    // Swapped roles: [out, in].
    expect(computeFans([10, 3], { inAxis: -1, outAxis: -2 })).toEqual({ fanIn: 3, fanOut: 10, receptiveField: 1 });
  });
  it('errors: rank < 2, overlapping or out-of-range axes', () => {
    expect(() => computeFans([5])).toThrow(/rank 1.*rank >= 2/);
    expect(() => lecunNormal()(key(0), [5])).toThrow(/lecunNormal\(\): shape \[5\] has rank 1/);
    expect(() => computeFans([3, 4], { inAxis: 1, outAxis: 1 })).toThrow(/distinct/);
    expect(() => computeFans([3, 4], { inAxis: 2 })).toThrow(/inAxis 2 is out of range/);
    expect(() => heUniform()(key(0), [2.5, 3] as number[])).toThrow(/non-negative integers/);
  });
});

describe('variance-scaling family: moments of a 256×256 kernel against the definition', () => {
  // n = 65,536 draws per check; tolerances are 5 Monte Carlo standard errors (see expectMoments).
  const cases: [string, Initializer, number[], number, keyof typeof KURTOSIS][] = [
    // [name, init, shape, target variance = scale / fan, distribution]
    ['lecunNormal', lecunNormal(), [256, 256], 1 / 256, 'truncated_normal'],
    ['lecunUniform', lecunUniform(), [256, 256], 1 / 256, 'uniform'],
    ['glorotUniform', glorotUniform(), [256, 128], 1 / 192, 'uniform'],
    ['glorotNormal', glorotNormal(), [256, 128], 1 / 192, 'truncated_normal'],
    ['heUniform', heUniform(), [256, 256], 2 / 256, 'uniform'],
    ['heNormal', heNormal(), [256, 256], 2 / 256, 'truncated_normal'],
    ['varianceScaling(3, fan_out, normal)', varianceScaling(3, 'fan_out', 'normal'), [128, 512], 3 / 512, 'normal'],
    ['varianceScaling(0.5, fan_avg, normal)', varianceScaling(0.5, 'fan_avg', 'normal'), [256, 256], 0.5 / 256, 'normal'],
    // Conv kernel [3, 3, 16, 32]: fan_in = 9·16 = 144 (4,608 draws).
    ['heNormal on a conv kernel', heNormal(), [3, 3, 16, 32], 2 / 144, 'truncated_normal'],
    ['glorotUniform on a conv kernel', glorotUniform(), [3, 3, 16, 32], 1 / ((144 + 288) / 2), 'uniform'],
  ];
  for (const [name, init, shape, variance, dist] of cases) {
    it(`${name} ${JSON.stringify(shape)}: mean 0, variance ${variance.toPrecision(4)}, support`, async () => {
      const v = await draw(init, shape, 7);
      expectMoments(v, 0, variance, KURTOSIS[dist] * variance * variance);
      let maxAbs = 0;
      for (const x of v) maxAbs = Math.max(maxAbs, Math.abs(x));
      if (dist === 'uniform') expect(maxAbs).toBeLessThanOrEqual(Math.sqrt(3 * variance) * (1 + 1e-6));
      if (dist === 'truncated_normal') expect(maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(variance)) / 0.87962566103423978 * (1 + 1e-6));
      if (dist === 'normal') expect(maxAbs).toBeGreaterThan(3 * Math.sqrt(variance)); // unbounded tails: P(all 65k within 3σ) ≈ 0
    });
  }

  it('aliases are the same initialisers', async () => {
    const pairs: [Initializer, Initializer][] = [
      [xavierUniform(), glorotUniform()],
      [xavierNormal(), glorotNormal()],
      [kaimingUniform(), heUniform()],
      [kaimingNormal(), heNormal()],
    ];
    for (const [a, b] of pairs) expect(Array.from(await draw(a, [5, 6], 3))).toEqual(Array.from(await draw(b, [5, 6], 3)));
  });

  it("follows JAX's recipe: truncated_normal(key, -2, 2) · √variance / 0.8796…, normal · √variance, uniform(-1, 1) · √(3·variance)", async () => {
    const k = key(11);
    const shape = [20, 30];
    const f = Math.fround;
    const tn = random.truncatedNormal(k, -2, 2, shape);
    const nz = random.normal(k, shape);
    const un = random.uniform(k, shape, { minval: -1, maxval: 1 });
    const variance = f(1 / 20);
    const want = [
      tf.mul(tn, f(f(Math.sqrt(variance)) / f(0.87962566103423978))),
      tf.mul(nz, f(Math.sqrt(variance))),
      tf.mul(un, f(Math.sqrt(f(3 * variance)))),
    ];
    const got = [lecunNormal()(k, shape), varianceScaling(1, 'fan_in', 'normal')(k, shape), lecunUniform()(k, shape)];
    for (let i = 0; i < 3; i++) expect(Array.from(await got[i]!.data())).toEqual(Array.from(await want[i]!.data()));
    tf.dispose([tn, nz, un, ...want, ...got]);
  });

  it('the same key gives the same draws, another key others', async () => {
    const a = await draw(lecunNormal(), [8, 8], 1);
    const b = await draw(lecunNormal(), [8, 8], 1);
    const c = await draw(lecunNormal(), [8, 8], 2);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('zero-size shapes give empty tensors', async () => {
    expect((await draw(lecunNormal(), [0, 4])).length).toBe(0);
  });

  it('bad factory arguments are errors naming them', () => {
    expect(() => varianceScaling(-1, 'fan_in', 'normal')).toThrow(/scale must be a finite positive number, got -1/);
    expect(() => varianceScaling(1, 'fan_geo' as never, 'normal')).toThrow(/mode must be one of fan_in, fan_out, fan_avg, got "fan_geo"/);
    expect(() => varianceScaling(1, 'fan_in', 'cauchy' as never)).toThrow(/distribution must be one of/);
  });
});

describe('normal, truncatedNormal, uniform', () => {
  it('normal(0.3): N(0, 0.09)', async () => {
    expectMoments(await draw(normal(0.3), [256, 256], 4), 0, 0.09, 3 * 0.09 ** 2);
  });
  it('normal() defaults to JAX stddev 1e-2', async () => {
    expectMoments(await draw(normal(), [256, 256], 4), 0, 1e-4, 3 * 1e-8);
  });
  it('truncatedNormal(0.5): 0.5 · N(0,1) truncated to ±2, no variance correction', async () => {
    const v = await draw(truncatedNormal(0.5), [256, 256], 5);
    expectMoments(v, 0, 0.25 * TN.m2, 0.0625 * TN.m4);
    expect(Math.max(...v.map(Math.abs))).toBeLessThan(1);
  });
  it('truncatedNormal(1, -1, 3): asymmetric bounds respected, mean by quadrature', async () => {
    const v = await draw(truncatedNormal(1, -1, 3), [100, 100], 6);
    const phi = (x: number): number => Math.exp(-0.5 * x * x);
    let z = 0, m1 = 0, m2 = 0;
    const steps = 20000;
    for (let i = 0; i <= steps; i++) {
      const x = -1 + (4 * i) / steps;
      const w = (i === 0 || i === steps ? 0.5 : 1) * phi(x);
      z += w;
      m1 += w * x;
      m2 += w * x * x;
    }
    const mu = m1 / z;
    const s2 = m2 / z - mu * mu;
    const { mean } = (await import('./stats.js')).meanVar(v);
    expect(Math.abs(mean - mu)).toBeLessThan(5 * Math.sqrt(s2 / v.length));
    expect(Math.min(...v)).toBeGreaterThan(-1);
    expect(Math.max(...v)).toBeLessThan(3);
  });
  it('uniform(0.5) is U[0, 0.5) (JAX); uniform(-1, 3) is U[-1, 3)', async () => {
    const a = await draw(uniform(0.5), [256, 256], 8);
    expectMoments(a, 0.25, 0.25 / 12, (9 / 5) * (0.25 / 12) ** 2);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(0.5);
    const b = await draw(uniform(-1, 3), [256, 256], 9);
    expectMoments(b, 1, 16 / 12, (9 / 5) * (16 / 12) ** 2);
    expect(Math.min(...b)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...b)).toBeLessThan(3);
  });
  it('errors', () => {
    expect(() => normal(0)).toThrow(/normal: stddev must be a finite positive number, got 0/);
    expect(() => truncatedNormal(1, 2, 1)).toThrow(/lower < upper/);
    expect(() => uniform(3, 1)).toThrow(/minval < maxval/);
    expect(() => normal()(key(0), [-1] as number[])).toThrow(/non-negative integers/);
  });
});

describe('zeros, ones, constant', () => {
  it('exact values, any rank, key ignored', async () => {
    expect(Array.from(await draw(zeros(), [2, 3]))).toEqual(new Array(6).fill(0));
    expect(Array.from(await draw(ones(), [4]))).toEqual(new Array(4).fill(1));
    expect(Array.from(await draw(constant(-2.5), [2, 1, 2]))).toEqual(new Array(4).fill(-2.5));
    expect(Array.from(await draw(constant(3), []))).toEqual([3]);
  });
  it('zeros and ones also work uncalled, as in Flax', async () => {
    const z = zeros(key(0), [3]);
    const o = ones(key(0), [2]);
    expect(Array.from(await z.data())).toEqual([0, 0, 0]);
    expect(Array.from(await o.data())).toEqual([1, 1]);
    tf.dispose([z, o]);
  });
  it('constant(NaN) is an error', () => {
    expect(() => constant(Number.NaN)).toThrow(/constant: value must be a finite number/);
  });
});

describe('orthogonal', () => {
  /** QᵀQ (columns) of a row-major rows×cols matrix, in float64. */
  function gram(q: ArrayLike<number>, rows: number, cols: number, byColumns: boolean): number[][] {
    const n = byColumns ? cols : rows;
    const m = byColumns ? rows : cols;
    const at = (i: number, j: number): number => (byColumns ? q[j * cols + i]! : q[i * cols + j]!);
    return Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => {
      let s = 0;
      for (let r = 0; r < m; r++) s += at(a, r) * at(b, r);
      return s;
    }));
  }
  function expectScaledIdentity(g: number[][], s2: number): void {
    g.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (i === j ? s2 : 0))).toBeLessThan(1e-5 * Math.max(1, s2))));
  }
  it('tall [64, 32]: orthonormal columns; scale 2: QᵀQ = 4I', async () => {
    expectScaledIdentity(gram(await draw(orthogonal(), [64, 32]), 64, 32, true), 1);
    expectScaledIdentity(gram(await draw(orthogonal(2), [64, 32]), 64, 32, true), 4);
  });
  it('wide [16, 40]: orthonormal rows', async () => {
    expectScaledIdentity(gram(await draw(orthogonal(), [16, 40]), 16, 40, false), 1);
  });
  it('square and conv kernels: the kernel seen as [size / out, out] has orthonormal columns', async () => {
    expectScaledIdentity(gram(await draw(orthogonal(), [24, 24]), 24, 24, true), 1);
    expectScaledIdentity(gram(await draw(orthogonal(), [3, 3, 4, 8]), 36, 8, true), 1);
  });
  it('columnAxis 0: the columns run along axis 0', async () => {
    // shape [8, 20] with column axis 0 is the transpose of a [20, 8] matrix with orthonormal columns:
    // rows of the [8, 20] array are orthonormal.
    expectScaledIdentity(gram(await draw(orthogonal(1, { columnAxis: 0 }), [8, 20]), 8, 20, false), 1);
  });
  it('Haar: with the sign correction E[Q₀₀] = 0 and E[Q₀₀²] = 1/n (400 draws of 4×4, 5 SE)', async () => {
    // For a Haar orthogonal 4×4, Q₀₀ is a coordinate of a uniform unit vector in R⁴: mean 0, variance 1/4,
    // E[Q₀₀⁴] = 3/(n(n+2)) = 1/8. Without the sign correction Householder QR gives Q₀₀ < 0 always.
    const vals: number[] = [];
    for (const k of split(key(3), 400)) {
      const t = orthogonal()(k, [4, 4]);
      vals.push((await t.data())[0]!);
      t.dispose();
    }
    expectMoments(vals, 0, 1 / 4, 1 / 8);
  });
  it('errors: rank < 2, bad column axis', () => {
    expect(() => orthogonal()(key(0), [4])).toThrow(/orthogonal\(1\): shape \[4\] has rank 1/);
    expect(() => orthogonal(1, { columnAxis: 3 })(key(0), [4, 4])).toThrow(/columnAxis 3 is out of range/);
  });
});

describe('no leaks', () => {
  const all: [string, Initializer][] = [
    ['lecunNormal', lecunNormal()],
    ['lecunUniform', lecunUniform()],
    ['glorotUniform', glorotUniform()],
    ['glorotNormal', glorotNormal()],
    ['heUniform', heUniform()],
    ['heNormal', heNormal()],
    ['varianceScaling', varianceScaling(1, 'fan_avg', 'normal')],
    ['orthogonal', orthogonal(1, { columnAxis: 0 })],
    ['normal', normal()],
    ['truncatedNormal', truncatedNormal()],
    ['uniform(scale)', uniform()],
    ['uniform(min, max)', uniform(-1, 1)],
    ['zeros', zeros()],
    ['ones', ones()],
    ['constant', constant(2)],
  ];
  for (const [name, init] of all) {
    it(name, async () => {
      await expectNoLeaks(() => init(key(0), [3, 4, 5]));
    });
  }
  it('errors leave nothing behind', async () => {
    await expectNoLeaks(() => {
      expect(() => heNormal()(key(0), [3])).toThrow();
    });
  });
});
