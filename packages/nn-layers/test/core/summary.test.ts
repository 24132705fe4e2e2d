import * as tf from '@tensorflow/tfjs-core';
import { key, tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/dense/index.js';
import { batchNorm, countParams, dropout, mlp, residual, sequential, summary, summaryRows } from '../../src/layers/index.js';

describe('countParams', () => {
  it('counts every scalar of a params tree', () => {
    const p = { a: tf.zeros([3, 4]), b: [tf.zeros([2]), { c: tf.zeros([]) }], d: {} };
    expect(countParams(p)).toBe(12 + 2 + 1);
    tree.dispose(p);
  });
  it('the Flax tutorial MLP 1→10→10→1: 1·10+10 + 10·10+10 + 10·1+1 = 141', () => {
    const p = mlp([10, 10, 1], { activation: 'tanh' }).init(key(0), [1]);
    expect(countParams(p)).toBe(141);
    tree.dispose(p);
  });
  it('the cluster-mass MLP 14→128→128→64→1', () => {
    const p = mlp([128, 128, 64, 1]).init(key(0), [14]);
    expect(countParams(p)).toBe(14 * 128 + 128 + 128 * 128 + 128 + 128 * 64 + 64 + 64 + 1);
    tree.dispose(p);
  });
});

describe('summaryRows', () => {
  const model = (): ReturnType<typeof sequential> =>
    sequential([mlp([8, 4]), batchNorm(), residual(dense(4)), residual(dense(6), { projection: true }), dropout(0.1), dense(1)]);
  it('paths, kinds, depths, output shapes and counts, hand-derived', () => {
    const rows = summaryRows(model(), [3]);
    expect(rows.map((r) => [r.path, r.kind, r.depth, r.outputShape, r.paramCount])).toEqual([
      ['', 'Sequential', 0, [1], 157],
      ['MLP_0', 'MLP', 1, [4], 68],
      ['MLP_0/Dense_0', 'Dense', 2, [8], 3 * 8 + 8],
      ['MLP_0/Dense_1', 'Dense', 2, [4], 8 * 4 + 4],
      ['BatchNorm_0', 'BatchNorm', 1, [4], 8],
      ['Residual_0', 'Residual', 1, [4], 20],
      ['Residual_0/Dense_0', 'Dense', 2, [4], 20],
      ['Residual_1', 'Residual', 1, [6], 30 + 24],
      ['Residual_1/Dense_0', 'Dense', 2, [6], 4 * 6 + 6],
      ['Residual_1/Dense_1', 'Dense', 2, [6], 4 * 6], // the projection sees the residual's input [4]
      ['Dropout_0', 'Dropout', 1, [6], 0],
      ['Dense_0', 'Dense', 1, [1], 7],
    ]);
  });
  it('leading example dims stay in the shapes', () => {
    const rows = summaryRows(mlp([5, 2]), [7, 3]);
    expect(rows.map((r) => r.outputShape)).toEqual([[7, 2], [7, 5], [7, 2]]);
  });
  it('counts given params instead of initialising', () => {
    const m = mlp([2]);
    const p = { Dense_0: { kernel: tf.zeros([3, 2]), bias: tf.zeros([2]) } };
    expect(summaryRows(m, [3], { params: p }).map((r) => r.paramCount)).toEqual([8, 8]);
    tree.dispose(p);
  });
  it('errors', () => {
    expect(() => summaryRows(null as never, [3])).toThrow(/summaryRows: module must be a Module/);
    expect(() => summaryRows(mlp([2]), 3 as never)).toThrow(/inputShape must be the shape of one example/);
    expect(() => summaryRows(mlp([2]), [0])).toThrow(/inputShape/);
  });
});

describe('summary', () => {
  it('a table: header, one indented line per module, total', () => {
    const text = summary(mlp([10, 10, 1], { activation: 'tanh' }), [1]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Layer\s+Kind\s+Output shape\s+Params$/);
    expect(lines[1]).toMatch(/^-+$/);
    expect(lines[2]).toMatch(/^MLP\s+MLP\s+\[\.\.\., 1\]\s+141$/);
    expect(lines[3]).toMatch(/^ {2}Dense_0\s+Dense\s+\[\.\.\., 10\]\s+20$/);
    expect(lines[4]).toMatch(/^ {2}Dense_1\s+Dense\s+\[\.\.\., 10\]\s+110$/);
    expect(lines[5]).toMatch(/^ {2}Dense_2\s+Dense\s+\[\.\.\., 1\]\s+11$/);
    expect(lines[7]).toBe('Total: 141 parameters (564 B as float32)');
    expect(lines).toHaveLength(8);
  });
  it('nested paths are indented deeper; thousands separated; state line for BatchNorm', () => {
    const text = summary(sequential([mlp([128, 128]), batchNorm(), dense(1)]), [14]);
    expect(text).toMatch(/\n {4}MLP_0\/Dense_1\s+Dense\s+\[\.\.\., 128\]\s+16,512\n/);
    // 14·128+128 + 128·128+128 + 2·128 (scale, bias) + 128+1
    expect(text).toContain('Total: 18,817 parameters');
    expect(text.split('\n').at(-1)).toBe('State: 256 values (not trained)');
  });
});

describe('no leaks', () => {
  it('countParams, summaryRows, summary', async () => {
    const m = sequential([mlp([4, 4]), batchNorm(), dense(1)]);
    await expectNoLeaks(() => summaryRows(m, [2]));
    await expectNoLeaks(() => summary(m, [2]));
    const p = m.init(key(0), [2]);
    await expectNoLeaks(() => countParams(p));
    await expectNoLeaks(() => summary(m, [2], { params: p }));
    tree.dispose(p);
  });
});

describe('containers with no registered wiring', () => {
  it('an unregistered chaining container gets chained shapes; a parallel one the input shape', () => {
    const inner = mlp([5, 2]);
    // A hand-made container that wraps the MLP's children under its own kind (chain wiring).
    const custom = { ...inner, kind: 'Custom' };
    expect(summaryRows(custom, [3]).map((r) => r.outputShape)).toEqual([[2], [5], [2]]);
    // A hand-made parallel container: two Dense heads on the same input, concatenated.
    const a = dense(4);
    const b = dense(4);
    const twoHeads = {
      kind: 'TwoHeads',
      children: [{ name: 'Dense_0', module: a }, { name: 'Dense_1', module: b }],
      init: (k: ReturnType<typeof key>, s: readonly number[]) => ({ Dense_0: a.init(k, s), Dense_1: b.init(k, s) }),
      apply: () => tf.zeros([1]),
      outputShape: (s: readonly number[]) => [...s.slice(0, -1), 8],
    };
    const rows = summaryRows(twoHeads, [3]);
    expect(rows.map((r) => [r.path, r.outputShape, r.paramCount])).toEqual([
      ['', [8], 32],
      ['Dense_0', [4], 16],
      ['Dense_1', [4], 16],
    ]);
  });
});
