import * as tf from '@tensorflow/tfjs-core';
import { initBackend, valueAndGrad } from '@probdl/tensor-backend';
import { mixtureNormalNll } from '../src/fused/mixture-normal-nll.js';
await initBackend({ prefer: [(process.argv[2] ?? 'wasm') as never] });
function time(name: string, f: () => tf.TensorContainer, n = 200) {
  for (let i = 0; i < 10; i++) tf.dispose(f());
  let best = Infinity;
  for (let r = 0; r < 5; r++) { const c0 = process.cpuUsage(); for (let i = 0; i < n / 5; i++) tf.dispose(f()); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000 / (n / 5)); }
  console.log(name.padEnd(40), (best * 1000).toFixed(0), 'us cpu');
}
const F = tf.randomNormal([512, 48]); const y = tf.randomNormal([512, 1]);
const vg = valueAndGrad((f: tf.Tensor) => mixtureNormalNll(f, y, { numComponents: 16 }) as tf.Scalar);
time('nll forward', () => mixtureNormalNll(F, y, { numComponents: 16 }));
time('nll valueAndGrad', () => vg(F));
const mse = valueAndGrad((f: tf.Tensor) => tf.mean(tf.square(tf.sub(f, y))) as tf.Scalar);
time('mse valueAndGrad [512,48]', () => mse(F));
const a = tf.randomNormal([512, 16]);
time('exp 512x16', () => tf.exp(a));
time('softplus 512x16', () => tf.softplus(a));
time('log 512x16', () => tf.log(tf.abs(a)));
time('max axis1', () => tf.max(a, 1, true));
time('sub bcast', () => tf.sub(a, tf.max(a, 1, true)));
time('sigmoid', () => tf.sigmoid(a));
time('softmax', () => tf.softmax(a));
time('matmul select', () => tf.matMul(F, tf.tensor2d(new Float32Array(48 * 16), [48, 16])));
import { mixtureNormal } from '../src/heads/index.js';
import { negativeLogLikelihood } from '../src/losses/index.js';
const head = mixtureNormal(16, [1], { validateArgs: false });
const hv = valueAndGrad((f: tf.Tensor) => { const d = head.apply(f); try { return negativeLogLikelihood(d, y); } finally { d.dispose(); } });
time('head nll valueAndGrad', () => hv(F));
time('nll valueAndGrad again', () => vg(F));
const prof = await tf.profile(() => vg(F));
for (const k of prof.kernels) console.log(k.name.padEnd(20), JSON.stringify(k.inputShapes).slice(0, 40).padEnd(42), (k.kernelTimeMs as number).toFixed(3));
console.log('n', prof.kernels.length, 'sum', prof.kernels.reduce((a, k) => a + (k.kernelTimeMs as number), 0).toFixed(3));
