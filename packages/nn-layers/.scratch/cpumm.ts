import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
await initBackend({ prefer: ['cpu'] });
function time(name: string, f: () => tf.Tensor, n = 20) {
  for (let i = 0; i < 3; i++) f().dispose();
  let best = Infinity;
  for (let r = 0; r < 4; r++) { const c0 = process.cpuUsage(); for (let i = 0; i < n / 4; i++) f().dispose(); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000 / (n / 4)); }
  console.log(name.padEnd(40), best.toFixed(2), 'ms cpu');
}
const x = tf.randomNormal([512, 128]); const w = tf.randomNormal([128, 128]); const dz = tf.randomNormal([512, 128]);
time('matMul', () => tf.matMul(x, w));
time('dX flag B', () => tf.matMul(dz, w, false, true));
time('dX explicit', () => tf.tidy(() => tf.matMul(dz, tf.transpose(w))));
time('dW flag A', () => tf.matMul(x, dz, true, false));
time('dW explicit', () => tf.tidy(() => tf.matMul(tf.transpose(x), dz)));
time('sum0', () => tf.sum(dz, 0));
time('ones matmul', () => tf.tidy(() => tf.matMul(tf.ones([1, 512]), dz)));
time('fused kernel relu', () => tf.tidy(() => tf.reshape(tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, 512, 128]), b: tf.reshape(w, [1, 128, 128]), bias: tf.zeros([128]) } as never, { transposeA: false, transposeB: false, activation: 'relu' } as never) as tf.Tensor, [512, 128])));
