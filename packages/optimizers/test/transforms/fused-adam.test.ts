import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, key, random, split, tree, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/apply-updates.js';
import { adam, adamw, lamb } from '../../src/optimizers/index.js';
import { scaleByAdam, type ScaleByAdamOptions } from '../../src/transforms/adam.js';
import type { GradientTransformation } from '../../src/types.js';

// The fused Adam kernel (cpu and wasm) against the op-by-op path it replaces, over several steps.
// On other backends both runs take the op-by-op path and the comparison is trivially true.

function params(seed: number): Tree {
  const [k1, k2, k3] = split(key(seed), 3);
  return { w: random.normal(k1!, [7, 5]), b: random.normal(k2!, [5]), layers: [{ s: random.normal(k3!, [3]) }] };
}

/**
 * `steps` updates on a fixed sequence of gradients (drawn from keys, not from the parameters, so
 * rounding differences are not amplified by the dynamics of the problem).
 */
function run(tx: GradientTransformation, steps: number): { params: Tree; updates: Tree; state: unknown } {
  let p = params(3);
  let state = tx.init(p);
  let updates: Tree = null;
  for (let i = 0; i < steps; i++) {
    const g = params(100 + i);
    const [u, s] = tx.update(g, state, p);
    const next = applyUpdates(p, u);
    tree.dispose([g, state, p, updates]);
    p = next;
    state = s;
    updates = u;
  }
  return { params: p, updates, state };
}

const variants: [string, ScaleByAdamOptions][] = [
  ['default', {}],
  ['nesterov', { nesterov: true }],
  ['epsRoot and large eps', { epsRoot: 1e-6, eps: 1e-3 }],
  ['b1 = 0, b2 = 0.5', { b1: 0, b2: 0.5 }],
];

describe('fused Adam kernel', () => {
  it('is registered for cpu and wasm once an Adam update has run', () => {
    const p = params(1);
    const tx = scaleByAdam();
    const s = tx.init(p);
    tree.dispose(tx.update(p, s));
    tree.dispose([p, s]);
    expect(hasKernel('ProbdlAdamUpdate', 'cpu')).toBe(true);
    expect(hasKernel('ProbdlAdamUpdate', 'wasm')).toBe(true);
  });

  for (const [name, options] of variants) {
    it(`scaleByAdam (${name}) matches the op-by-op path over 5 steps`, async () => {
      const fused = run(scaleByAdam(options), 5);
      const ops = run(scaleByAdam({ ...options, fusedKernel: false }), 5);
      await expect(fused.updates).toBeCloseTree(ops.updates, { rtol: 1e-5, atol: 1e-6 });
      await expect(fused.state).toBeCloseTree(ops.state, { rtol: 1e-5, atol: 1e-7 });
      await expect(fused.params).toBeCloseTree(ops.params, { rtol: 1e-5, atol: 1e-6 });
      tree.dispose([fused, ops]);
    });
  }

  it('adam, adamw and lamb (which share scaleByAdam) match their op-by-op versions', async () => {
    const pairs: [GradientTransformation, GradientTransformation][] = [
      [adam(0.05), adam(0.05, { fusedKernel: false })],
      [adamw(0.05, { weightDecay: 0.1 }), adamw(0.05, { weightDecay: 0.1, fusedKernel: false })],
    ];
    for (const [a, b] of pairs) {
      const fa = run(a, 4);
      const fb = run(b, 4);
      await expect(fa.params).toBeCloseTree(fb.params, { rtol: 1e-5, atol: 1e-6 });
      tree.dispose([fa, fb]);
    }
    // lamb takes no fusedKernel option: check it still trains the same way as before (finite, moved).
    const l = run(lamb(0.05), 3);
    for (const leaf of tree.leaves(l.params) as tf.Tensor[]) expect((await leaf.data()).every(Number.isFinite)).toBe(true);
    tree.dispose(l);
  });

  it('falls back to the op-by-op path for non-float32 leaves', async () => {
    const p = { a: tf.tensor1d([1, 2, 3]), n: 2 } as unknown as Tree;
    const g = { a: tf.tensor1d([0.5, -1, 2]), n: 1 } as unknown as Tree;
    const tx = scaleByAdam();
    const s = tx.init(p);
    const [u] = tx.update(g, s);
    const ref = scaleByAdam({ fusedKernel: false });
    const s2 = ref.init(p);
    const [u2] = ref.update(g, s2);
    await expect(u).toBeCloseTree(u2, { rtol: 1e-6, atol: 0 });
    tree.dispose([p, g, s, u, s2, u2]);
  });

  it('does not leak', async () => {
    const p = params(2);
    const tx = scaleByAdam({ nesterov: true });
    const s = tx.init(p);
    await expectNoLeaks(() => tx.update(p, s));
    tree.dispose([p, s]);
  });

  it('names the option in its error', () => {
    expect(() => scaleByAdam({ fusedKernel: 1 as never })).toThrow(/scaleByAdam: fusedKernel must be a boolean, got 1/);
  });
});
