/**
 * Kernels per training step and time per kernel type (tf.profile) of the loops that
 * train-step.bench.ts times, to see where a step goes:
 *
 *   node --import tsx bench/profile-step.ts [wasm|cpu] [mdn|mlp] [batch] [fused|unfused] [flat|tree] [kernels|ops]
 *
 * (`ops`: Adam and the mixture NLL by their tfjs-op paths instead of the fused host kernels.)
 *
 * (from packages/nn-layers). Kernel times under tf.profile include its bookkeeping; compare them
 * with each other, and the un-profiled ms/step printed first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
import { startTraining, type ModelName } from './support/training.js';

const [backend = 'wasm', model = 'mdn', batchArg = '512', path = 'fused', flat = '', kernels = 'kernels'] = process.argv.slice(2);
await initBackend({ prefer: [backend as 'wasm' | 'cpu'] });
const batch = Number(batchArg);
const fused = path !== 'unfused';
const loop = startTraining({ model: model as ModelName, batch, fusedDense: fused, fusedLoss: fused, flatParams: flat === 'flat', hostKernels: kernels !== 'ops' }, 0);

const run = async (n: number) => {
  const l = loop.steps(n);
  await l.data();
  l.dispose();
};
await run(5);
let best = Infinity;
let bestCpu = Infinity;
const n = backend === 'cpu' ? 2 : 20;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await run(n);
  best = Math.min(best, (performance.now() - t0) / n);
  const c = process.cpuUsage(c0);
  bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / n);
}
const epochSteps = Math.ceil(261_287 / batch);
console.log(
  `${backend} ${model} batch ${batch} ${path}${flat === 'flat' ? ' flat params' : ''}${kernels === 'ops' ? ' (tfjs-op Adam and NLL)' : ''}: ${best.toFixed(2)} ms/step wall, ${bestCpu.toFixed(2)} ms CPU (best of 5 × ${n}), ` +
    `${((best * epochSteps) / 1000).toFixed(2)} s/epoch extrapolated`,
);

const profile = await tf.profile(() => loop.steps(1));
const byKind = new Map<string, { count: number; ms: number }>();
for (const k of profile.kernels) {
  const e = byKind.get(k.name) ?? { count: 0, ms: 0 };
  e.count++;
  e.ms += k.kernelTimeMs as number;
  byKind.set(k.name, e);
}
const rows = [...byKind.entries()].sort((a, b) => b[1].ms - a[1].ms);
console.log(`${profile.kernels.length} kernels per step; profiled kernel time ${rows.reduce((a, [, v]) => a + v.ms, 0).toFixed(2)} ms`);
for (const [name, v] of rows) console.log(`  ${name.padEnd(28)} ${String(v.count).padStart(4)} ${v.ms.toFixed(3).padStart(8)} ms`);
if (process.env.VERBOSE) {
  for (const k of profile.kernels) console.log(`${k.name} ${JSON.stringify(k.inputShapes)} ${(k.kernelTimeMs as number).toFixed(3)}`);
}
tf.dispose(profile.result as tf.Tensor);
loop.dispose();
