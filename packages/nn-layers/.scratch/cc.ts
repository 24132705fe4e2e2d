import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
await initBackend({ prefer: ['wasm'] });
function time(name: string, f: () => tf.TensorContainer, n = 400) {
  for (let i = 0; i < 10; i++) tf.dispose(f());
  let best = Infinity;
  for (let r = 0; r < 8; r++) { const c0 = process.cpuUsage(); for (let i = 0; i < n / 8; i++) tf.dispose(f()); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000 / (n / 8)); }
  console.log(name.padEnd(40), (best * 1000).toFixed(0), 'us cpu');
}
const k = 16;
const F = tf.randomNormal([512, 48]); const d = tf.randomNormal([512, 16]);
const sel = (part: number, t: boolean) => { const s = new Float32Array(3 * k * k); for (let j = 0; j < k; j++) s[t ? j * 3 * k + part * k + j : (part * k + j) * k + j] = 1; return tf.tensor2d(s, t ? [k, 3 * k] : [3 * k, k]); };
time('split 3', () => tf.split(F, 3, 1));
time('3 select matmuls', () => tf.tidy(() => [0, 1, 2].map((p) => tf.matMul(F, sel(p, false)))));
time('concat 3', () => tf.concat([d, d, d], 1));
time('merge 3 matmuls + addN', () => tf.tidy(() => tf.addN([0, 1, 2].map((p) => tf.matMul(d, sel(p, true))))));
