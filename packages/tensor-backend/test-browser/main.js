// Runs in the browser, bundled by Vite from the built package exactly as an app would import it.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, key, random, cholesky, valueAndGrad, lgamma } from '@probdl/tensor-backend';

async function run(backend) {
  const report = await initBackend({ prefer: [backend], webgpu: { cpuForward: false } });
  const normal = Array.from(await random.normal(key(0), [7]).data());
  const factor = Array.from(await cholesky(tf.tensor2d([[4, 2], [2, 3]])).data());
  const [, grads] = valueAndGrad((p) => tf.sum(lgamma(p.x)))({ x: tf.tensor1d([0.5, 3]) });
  return { backend: report.backend, adapter: report.adapter ?? null, normal, factor, digamma: Array.from(await grads.x.data()) };
}

const result = {};
for (const backend of ['wasm', 'webgpu']) {
  try {
    result[backend] = await run(backend);
  } catch (error) {
    result[backend] = { error: String(error?.message ?? error) };
  }
}
document.getElementById('out').textContent = JSON.stringify(result);
window.__probdlResult = result;
