import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Array } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { loadReference } from '@probdl/vitest-config/reference';
import { describe, expect, it } from 'vitest';
import { INDABA_2022_RAW, affineBasis, indabaDataset, indabaValues, type IndabaDatasetName } from '../../src/course/index.js';

interface RefSet {
  x: number[];
  y: number[];
  x_raw?: number[];
  y_raw?: number[];
}
const ref = loadReference<{ datasets: Record<IndabaDatasetName, RefSet> }>('indaba-bdl/cases.json');
const names: IndabaDatasetName[] = ['outlier', 'nonlinear', 'classification', 'identity'];
const f32 = (a: readonly number[]): number[] => a.map((v) => Math.fround(v));

describe.skipIf(ref === undefined)('Indaba 2022 data sets against indaba-bdl/cases.json', () => {
  it('has exactly the four data sets of the reference', () => {
    expect(Object.keys(INDABA_2022_RAW).sort()).toEqual(Object.keys(ref!.datasets).sort());
  });

  it.each(names)('%s: the raw literals match value for value (as float32)', (name) => {
    const r = ref!.datasets[name];
    const raw = INDABA_2022_RAW[name];
    expect(f32(raw.x)).toEqual(f32(r.x_raw ?? r.x));
    expect(f32(raw.y)).toEqual(f32(r.y_raw ?? r.y));
  });

  it.each(names)('%s: the transformed values match the notebook float32 values', async (name) => {
    const r = ref!.datasets[name];
    const v = indabaValues(name);
    // outlier x: XLA's float32 standardisation rounds differently by at most one ulp (1.2e-7 here).
    const closeX = (a: ArrayLike<number>): void => {
      if (name !== 'outlier') return void expect(Array.from(a)).toEqual(f32(r.x));
      Array.from(a).forEach((val, i) => expect(Math.abs(val - r.x[i]!)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(r.x[i]!))));
    };
    closeX(v.x);
    expect(Array.from(v.y)).toEqual(f32(r.y));
    const d = indabaDataset(name);
    closeX(await toFloat64Array(d.x));
    expect(Array.from(await toFloat64Array(d.y))).toEqual(f32(r.y));
    tf.dispose([d.x, d.y]);
  });

  it('outlier x is standardised with the population std: X^T X = 6 I in the affine basis (NOTES, cell 47)', async () => {
    const d = indabaDataset('outlier');
    const X = affineBasis(d.x);
    await expect(tf.matMul(X, X, true, false)).toBeCloseTensor([[6, 0], [0, 6]], { atol: 1e-5 });
    tf.dispose([d.x, d.y, X]);
  });
});

describe('affineBasis and indabaDataset', () => {
  it('builds rows [1, x] and names a bad shape or name', async () => {
    await expect(affineBasis(tf.tensor1d([2, -1]))).toBeCloseTensor([[1, 2], [1, -1]]);
    await expect(affineBasis(tf.tensor2d([[3]]))).toBeCloseTensor([[1, 3]]);
    expect(() => affineBasis(tf.zeros([2, 2]))).toThrow(/affineBasis: x .*\[2, 2\]/);
    expect(() => indabaDataset('nope' as IndabaDatasetName)).toThrow(/unknown name 'nope'/);
  });

  it('leaves nothing behind', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectNoLeaks(() => affineBasis(x));
    await expectNoLeaks(() => indabaDataset('outlier'));
  });
});
