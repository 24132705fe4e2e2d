import * as tf from '@tensorflow/tfjs-core';
import { initBackend, valueAndGrad, tree } from '@probdl/tensor-backend';
import { adam, sgd, applyUpdates } from '@probdl/optimizers';
import { denseOp } from '../src/dense/dense-op.js';
import { mixtureNormalNll } from '../src/fused/mixture-normal-nll.js';
const backend = process.argv[2] ?? 'wasm';
const fused = process.argv[3] !== 'unfused';
const B = Number(process.argv[4] ?? 512);
await initBackend({ prefer: [backend as never] });
const K = 16;
const sizes = [14, 128, 128, 64, 3 * K];
const acts = ['relu', 'relu', 'tanh', 'linear'] as const;
type P = { kernel: tf.Tensor; bias: tf.Tensor }[];
let params: P = sizes.slice(1).map((o, i) => ({ kernel: tf.randomNormal([sizes[i]!, o], 0, Math.sqrt(1 / sizes[i]!), 'float32', i), bias: tf.zeros([o]) }));
const N = 20000;
const X = tf.randomNormal([N, 14], 0, 1, 'float32', 7);
const Y = tf.randomNormal([N, 1], 0, 1, 'float32', 8);
const LOG2PI = Math.log(2 * Math.PI);
function nll(out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const logits = tf.slice(out, [0, 0], [-1, K]);
  const loc = tf.slice(out, [0, K], [-1, K]);
  const scale = tf.add(1e-3, tf.softplus(tf.slice(out, [0, 2 * K], [-1, K])));
  const z = tf.div(tf.sub(y, loc), scale);
  const logN = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(scale), 0.5 * LOG2PI));
  const lp = tf.add(tf.logSoftmax(logits), logN);
  return tf.neg(tf.mean(tf.logSumExp(lp, 1)));
}
function loss(p: P, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  let h = x;
  p.forEach((l, i) => { h = denseOp(h, l.kernel, l.bias, acts[i], { fused }); });
  return process.env.NLL === 'fused' ? mixtureNormalNll(h, y, { numComponents: K }) as tf.Scalar : nll(h, y);
}
const FLAT = process.env.FLAT === '1';
const rv = tree.ravel(params as never);
const unravel = rv.unravel as unknown as (v: tf.Tensor) => P;
const vgP = valueAndGrad(loss);
const vg = FLAT ? (valueAndGrad((t: tf.Tensor, x: tf.Tensor, y: tf.Tensor) => loss(unravel(t), x, y)) as never as typeof vgP) : vgP;
if (FLAT) { tree.dispose(params as never); params = rv.flat as never; } else rv.flat.dispose();
const opt = process.env.OPT === 'sgd' ? sgd(1e-3) : adam(1e-3);
let state = opt.init(params as never);
let i = 0;
function step(): tf.Scalar {
  const start = (i++ * B) % (N - B);
  const [l, p, s] = tf.tidy(() => {
    const x = tf.slice(X, [start, 0], [B, 14]);
    const y = tf.slice(Y, [start, 0], [B, 1]);
    const [l, g] = vg(params, x, y);
    const [u, s] = opt.update(g as never, state, params as never);
    const p = applyUpdates(params as never, u);
    return [l, p, s] as never;
  });
  tree.dispose(params as never); tree.dispose(state as never);
  params = p; state = s;
  return l;
}
for (let k = 0; k < 10; k++) { const l = step(); await l.data(); l.dispose(); }
const n = 40;
let best = Infinity; let bestCpu = Infinity;
for (let r = 0; r < 6; r++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  for (let k = 0; k < n; k++) { const l = step(); if (k === n - 1) await l.data(); l.dispose(); }
  best = Math.min(best, (performance.now() - t0) / n);
  const c = process.cpuUsage(c0); bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / n);
}
console.log('cpu ms/step', bestCpu.toFixed(2));
const ms = best;
console.log(`${backend} fused=${fused} B=${B}: ${ms.toFixed(2)} ms/step (min of 6x40), epoch(261287) ${(ms * 261287 / B / 1000).toFixed(2)} s; tensors ${tf.memory().numTensors}`);
if (process.env.PROFILE) {
  const prof = await tf.profile(() => { const l = step(); return l; });
  const by = new Map<string, { n: number; ms: number }>();
  for (const k of prof.kernels) { const e = by.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += k.kernelTimeMs as number; by.set(k.name, e); }
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log('kernels', prof.kernels.length, 'total', rows.reduce((a, r) => a + r[1].ms, 0).toFixed(2));
  for (const [k, v] of rows) console.log(k.padEnd(24), v.n, v.ms.toFixed(3));
  for (const k of prof.kernels) if (/MatMul|scope|Transpose|Equal|Slice/.test(k.name)) console.log(k.name, JSON.stringify(k.inputShapes), (k.kernelTimeMs as number).toFixed(3));
}
