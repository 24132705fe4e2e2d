import * as tf from '@tensorflow/tfjs-core';
import { key, keyData, split, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { type JsonValue, paramsFromJson, paramsToJson, stateFromJson, stateToJson, treeFromJson, treeToJson } from '../../src/checkpoint/index.js';
import { applyIfFinite, injectHyperparams, multiSteps, multiTransform } from '../../src/wrappers/index.js';
import { chain } from '../../src/chain.js';
import { applyUpdates } from '../../src/apply-updates.js';
import type { GradientTransformation, Schedule } from '../../src/types.js';
import { localAdam, localMomentum } from '../wrappers/local-transforms.js';

/** The raw bits of every tensor leaf and the value of every other leaf, for bit-exact comparison. */
async function bits(x: unknown): Promise<unknown> {
  if (x instanceof tf.Tensor) {
    const d = await x.data();
    const raw = d instanceof Float32Array ? Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length)) : Array.from(d as ArrayLike<number>);
    return { dtype: x.dtype, shape: x.shape, raw };
  }
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : x;
  if (Array.isArray(x)) return Promise.all(x.map(bits));
  if (x !== null && typeof x === 'object' && 'data' in x && (x as PRNGKey).data instanceof Uint32Array) return { key: Array.from(keyData(x as PRNGKey)), p: (x as PRNGKey).partitionable };
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) out[k] = await bits((x as Record<string, unknown>)[k]);
    return out;
  }
  return x;
}

describe('tree JSON round trip', () => {
  it('is bit-exact for float32 (NaN, ±0, ±Inf, subnormals, random bits), int32, bool, numbers, keys and empty subtrees', async () => {
    // Random float32 bit patterns cover every exponent, including NaNs with payloads.
    const n = 2000;
    const u = new Uint32Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      u[i] = s;
    }
    const special = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-45, -1.4e-45, 3.4028234663852886e38, 1 / 3, 1e-7]);
    const [k1] = split(key(7));
    const t = {
      f: tf.tensor(new Float32Array(u.buffer), [40, 50]),
      special: tf.tensor1d(special),
      i: tf.tensor([[-2147483648, 2147483647, 0]], [1, 3], 'int32'),
      b: tf.tensor([true, false, true], [3], 'bool'),
      scalar: tf.scalar(0.1),
      empty: tf.zeros([0, 3]),
      nums: [1.5, -0, NaN, Infinity, -Infinity, 0.1, 2 ** 60],
      key: k1!,
      keyOld: key(3, { partitionable: false }),
      holes: [null, undefined, { a: null }],
      $dollar: { $tensor: tf.scalar(1) },
    };
    const json = await treeToJson(t);
    const text = JSON.stringify(json);
    const back = treeFromJson<typeof t>(JSON.parse(text) as never);
    expect(await bits(back)).toEqual(await bits(t));
    expect(back.holes).toEqual([null, undefined, { a: null }]);
    // The text form is accepted too.
    const again = treeFromJson(text as never);
    expect(await bits(again)).toEqual(await bits(t));
    tree.dispose([t, back, again]);
  });

  it('params and state helpers round-trip, and bad documents are errors', async () => {
    const p = { w: tf.tensor2d([[1, 2]]) };
    const back = paramsFromJson<typeof p>(await paramsToJson(p));
    expect(await bits(back)).toEqual(await bits(p));
    expect(() => stateFromJson({ tree: 1 })).toThrow(/not a document written by treeToJson/);
    expect(() => treeFromJson({ format: 'probdl-pytree', version: 1, tree: { $tensor: { dtype: 'float32', shape: [3], data: 'AAAA' } } })).toThrow(/holds 3 bytes, expected 12/);
    expect(() => treeFromJson({ format: 'probdl-pytree', version: 1, tree: { a: [{ $tensor: { dtype: 'complex64', shape: [], data: '' } }] } })).toThrow(/complex64 at a\[0\]/);
    await expect(treeToJson({ s: tf.tensor(['x']) })).rejects.toThrow(/s has dtype string/);
    tree.dispose([p, back]);
  });

  it('leaves nothing behind', async () => {
    const t = { a: tf.tensor1d([1, 2]), n: 3 };
    const json = await treeToJson(t);
    await expectNoLeaks(() => treeToJson(t));
    await expectNoLeaks(() => treeFromJson(json));
    // A malformed document disposes what it already made.
    const bad: JsonValue = { format: 'probdl-pytree', version: 1, tree: [{ $tensor: { dtype: 'float32', shape: [1], data: 'AAAAAA==' } }, { $nope: 1 }] };
    await expectNoLeaks(() => {
      expect(() => treeFromJson(bad)).toThrow(/unknown tag \$nope at \[1\]/);
    });
    tree.dispose(t);
  });
});

describe('training resumes exactly from a JSON checkpoint', () => {
  it('a wrapped optimizer continues bit-for-bit after save and load', async () => {
    const makeTx = (): GradientTransformation =>
      applyIfFinite(
        multiSteps(
          multiTransform(
            {
              adam: injectHyperparams((h: { lr: Schedule }) => localAdam(h.lr))({ lr: 0.02 }) as GradientTransformation,
              mom: chain(localMomentum(0.01, 0.9)),
            },
            { w: 'adam', b: 'mom' },
          ) as GradientTransformation,
          2,
        ) as GradientTransformation,
        3,
      ) as GradientTransformation;
    const gradAt = (p: Tree, i: number): Tree =>
      tf.tidy(() => {
        const q = p as { w: tf.Tensor; b: tf.Tensor };
        const w = tf.add(tf.mul(2, tf.sub(q.w, tf.tensor1d([1, -1, 0.5]))), i === 5 ? NaN : 0);
        return { w, b: tf.mul(q.b, 0.5 + 0.01 * i) };
      });
    const run = (tx: GradientTransformation, p0: Tree, s0: Tree, from: number, to: number): [Tree, Tree] => {
      let p = p0;
      let s = s0;
      for (let i = from; i < to; i++) {
        const g = gradAt(p, i);
        const [u, s1] = tx.update(g, s, p);
        const p1 = applyUpdates(p, u);
        tree.dispose([g, u]);
        if (s !== s0) tree.dispose(s);
        if (p !== p0) tree.dispose(p);
        p = p1;
        s = s1;
      }
      return [p, s];
    };
    const init = (): Tree => ({ w: tf.tensor1d([0.3, 0.2, 0.1]), b: tf.tensor1d([2, -3]) });

    // Uninterrupted run of 20 steps.
    const txA = makeTx();
    const pA0 = init();
    const sA0 = txA.init(pA0);
    const [pA, sA] = run(txA, pA0, sA0, 0, 20);

    // 11 steps, save to text, reload into a new optimizer object, 9 more steps.
    const txB = makeTx();
    const pB0 = init();
    const sB0 = txB.init(pB0);
    const [pMid, sMid] = run(txB, pB0, sB0, 0, 11);
    const saved = JSON.stringify({ params: await paramsToJson(pMid), state: await stateToJson(sMid) });
    tree.dispose([pMid, sMid]);
    const loaded = JSON.parse(saved) as { params: never; state: never };
    const txC = makeTx();
    const pC0 = paramsFromJson(loaded.params);
    const sC0 = stateFromJson(loaded.state);
    const [pC, sC] = run(txC, pC0, sC0, 11, 20);

    expect(await bits(pC)).toEqual(await bits(pA));
    expect(await bits(sC)).toEqual(await bits(sA));
    // The run did move and did skip the NaN step.
    expect(await bits((sA as { totalNotfinite: Tree }).totalNotfinite)).toEqual({ dtype: 'int32', shape: [], raw: [1] });
    tree.dispose([pA0, sA0, pA, sA, pB0, sB0, pC0, sC0, pC, sC]);
  });
});
