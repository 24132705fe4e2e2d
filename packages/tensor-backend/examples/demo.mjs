// The tensor-backend demo: the main job until apps/cluster-mass exists.
// Bayesian linear regression two ways on the best backend available:
// gradient descent to the MAP on a parameter tree, and the exact posterior mean from a Cholesky solve.
import * as tf from '@tensorflow/tfjs-core';
import {
  initBackend, formatAdapter, key, split, random, tree, valueAndGrad,
  cholesky, choleskySolve, logDetFromCholesky, toFloat64Array, toScalar,
} from '@probdl/tensor-backend';

const report = await initBackend({ prefer: ['webgpu', 'wasm', 'cpu'] });
for (const a of report.attempts) console.log(`${a.ok ? 'started' : 'skipped'} ${a.backend}${a.ok ? '' : `: ${a.reason}`}`);
if (report.adapter) console.log(`adapter: ${formatAdapter(report.adapter)}`);

const n = 500, d = 4, noiseScale = 0.3, priorPrecision = 1.0;
const trueWeights = [1.5, -2.0, 0.5, 0.0];
const [kx, knoise] = split(key(0));
const X = random.normal(kx, [n, d]);
const y = tf.tidy(() => tf.add(tf.matMul(X, tf.tensor2d(trueWeights, [d, 1])), tf.mul(random.normal(knoise, [n, 1]), noiseScale)));

// Negative log posterior (up to a constant) of the weights, as a function of a parameter tree.
const negLogPosterior = (params) => tf.tidy(() => {
  const residual = tf.sub(y, tf.matMul(X, params.w));
  const misfit = tf.div(tf.sum(tf.square(residual)), 2 * noiseScale ** 2);
  return tf.add(misfit, tf.mul(0.5 * priorPrecision, tf.sum(tf.square(params.w))));
});
const lossAndGrad = valueAndGrad(negLogPosterior);

let params = { w: tf.zeros([d, 1]) };
const learningRate = 1e-4;
for (let step = 0; step <= 300; step++) {
  const [loss, grads] = lossAndGrad(params);
  const next = tree.map((p, g) => tf.sub(p, tf.mul(g, learningRate)), params, grads);
  if (step % 100 === 0) console.log(`step ${step}: -log posterior ${(await toScalar(loss)).toFixed(3)}`);
  tree.dispose([params, grads, loss]);
  params = next;
}

// Exact posterior: precision A = XᵀX/σ² + αI, mean = A⁻¹ Xᵀy/σ².
const { mean, logDet } = tf.tidy(() => {
  const precision = tf.add(tf.div(tf.matMul(X, X, true, false), noiseScale ** 2), tf.mul(tf.eye(d), priorPrecision));
  const L = cholesky(precision);
  return { mean: choleskySolve(L, tf.div(tf.matMul(X, y, true, false), noiseScale ** 2)), logDet: logDetFromCholesky(L) };
});
const gd = await toFloat64Array(params.w);
const exact = await toFloat64Array(mean);
const maxGap = Math.max(...Array.from(exact, (e, i) => Math.abs(e - gd[i])));
console.log(`true weights:            ${trueWeights.map((v) => v.toFixed(3)).join(' ')}`);
console.log(`MAP by gradient descent: ${Array.from(gd, (v) => v.toFixed(3)).join(' ')}`);
console.log(`exact posterior mean:    ${Array.from(exact, (v) => v.toFixed(3)).join(' ')}`);
console.log(`log det posterior precision: ${(await toScalar(logDet)).toFixed(3)}; largest gap GD vs exact: ${maxGap.toExponential(2)}`);
tree.dispose([params, mean, logDet, X, y]);
if (maxGap > 1e-2) {
  console.error('gradient descent did not reach the exact posterior mean');
  process.exit(1);
}
console.log(`tensors left: ${tf.memory().numTensors}`);
