import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
const backend = process.argv[2] ?? 'wasm';
await initBackend({ prefer: [backend as never] });
function time(name: string, f: () => tf.Tensor, n = 300) {
  for (let i = 0; i < 10; i++) f().dispose();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f().dispose();
  console.log(name.padEnd(40), ((performance.now() - t0) / n * 1000).toFixed(1), 'us');
}
const a = tf.randomNormal([512, 128]); const s = tf.scalar(2);
const y = tf.randomNormal([512, 1]); const ones = tf.ones([1, 16]); const a16 = tf.randomNormal([512, 16]);
time('mul scalar number', () => tf.mul(a, 2));
time('mul scalar tensor', () => tf.mul(a, s));
time('add scalar', () => tf.add(a, 1));
time('sub 1-y', () => tf.sub(1, a));
time('mul same', () => tf.mul(a, a));
time('expand y matMul', () => tf.matMul(y, ones));
time('tile y', () => tf.tile(y, [1, 16]));
time('sub bcast col 16', () => tf.sub(a16, y));
time('log1p 16', () => tf.log1p(a16));
time('step 16', () => tf.step(a16));
time('ones 512', () => tf.ones([1, 512]));
time('fill 512x16', () => tf.fill([512, 16], 2));
time('matmul 512x64x48', () => tf.matMul(tf.slice(a, [0, 0], [512, 64]), tf.slice(a, [0, 0], [64, 48])));
