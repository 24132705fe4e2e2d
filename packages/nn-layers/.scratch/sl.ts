import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
await initBackend({ prefer: [(process.argv[2] ?? 'wasm') as never] });
function time(name: string, f: () => tf.Tensor | tf.Tensor[], n = 300) {
  for (let i = 0; i < 10; i++) tf.dispose(f());
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n / 5; i++) tf.dispose(f());
    best = Math.min(best, (performance.now() - t0) / (n / 5));
  }
  console.log(name.padEnd(40), (best * 1000).toFixed(1), 'us');
}
const F = tf.randomNormal([512, 48]);
const S = tf.randomNormal([48, 16]);
const d = tf.randomNormal([512, 16]);
time('slice contiguous cols', () => tf.slice(F, [0, 16], [512, 16]));
time('3 slices', () => [tf.slice(F, [0, 0], [512, 16]), tf.slice(F, [0, 16], [512, 16]), tf.slice(F, [0, 32], [512, 16])]);
time('split 3', () => tf.split(F, 3, 1));
time('reshape+strided slice', () => tf.tidy(() => tf.reshape(tf.slice(tf.reshape(tf.slice(F, [0, 16], [512, 32]), [512, 16, 2]), [0, 0, 0], [512, 16, 1]), [512, 16])));
time('matMul select 48x16', () => tf.matMul(F, S));
time('3 matMul select', () => [tf.matMul(F, S), tf.matMul(F, S), tf.matMul(F, S)]);
time('matMul d·Sᵀ-ish (16x48)', () => tf.matMul(d, tf.transpose(S)));
const S2 = tf.randomNormal([16, 48]);
time('matMul d·S2', () => tf.matMul(d, S2));
time('concat 3 axis1', () => tf.concat([d, d, d], 1));
time('stack then reshape', () => tf.reshape(tf.stack([d, d], 2), [512, 32]));
time('tensor2d 48x48 upload', () => tf.tensor2d(new Float32Array(48 * 48), [48, 48]));
