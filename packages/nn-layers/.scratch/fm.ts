import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
await initBackend({ prefer: ['wasm'] });
function time(name: string, f: () => tf.Tensor, n = 300) {
  for (let i = 0; i < 10; i++) f().dispose();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n / 5; i++) f().dispose();
    best = Math.min(best, (performance.now() - t0) / (n / 5));
  }
  console.log(name.padEnd(40), (best * 1000).toFixed(1), 'us');
}
const x = tf.randomNormal([512, 128]); const w = tf.randomNormal([128, 128]); const b = tf.randomNormal([128]);
const k = (act: string, bias?: tf.Tensor) => () => tf.tidy(() => tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, 512, 128]), b: tf.reshape(w, [1, 128, 128]), ...(bias ? { bias } : {}) } as never, { transposeA: false, transposeB: false, activation: act, leakyreluAlpha: 0 } as never) as tf.Tensor);
time('matMul', () => tf.matMul(x, w));
time('fused kernel linear nobias', k('linear'));
time('fused kernel linear bias', k('linear', b));
time('fused kernel relu bias', k('relu', b));
time('fused kernel sigmoid bias', k('sigmoid', b));
time('fused op relu bias (no tape)', () => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }));
time('matMul', () => tf.matMul(x, w));
const w2 = tf.randomNormal([128, 128]);
let flip = 0;
time('matMul alternating weights', () => tf.matMul(x, (flip++ % 2) ? w : w2));
time('matMul new weights each', () => tf.tidy(() => tf.matMul(x, tf.clone(w))));
time('matMul new weights (add0) each', () => tf.tidy(() => tf.matMul(x, tf.add(w, 0))));
