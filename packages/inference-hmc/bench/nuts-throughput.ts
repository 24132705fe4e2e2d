/**
 * Gradient evaluations per second and time per NUTS transition for C = 1, 64, 1024 chains on a
 * 10-D standard normal (step size 0.5, unit metric: about 7 leapfrog steps per transition).
 * Run: `npx tsx bench/nuts-throughput.ts [cpu|wasm]`. Prints wall and process CPU time (the
 * second is the one to compare on a shared machine).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, key, random, split, type BackendName } from '@probdl/tensor-backend';
import { nuts } from '../src/kernels/nuts/nuts.js';
import type { HmcState } from '../src/types.js';

const backend = (process.argv[2] ?? 'cpu') as BackendName;
await initBackend({ prefer: [backend] });
const dim = 10;
const logp = (p: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(p), -1));
const kernel = nuts();
const inverseMassMatrix = tf.ones([dim]);
for (const numChains of [1, 64, 1024]) {
  let state: HmcState = kernel.init(random.normal(key(1), [numChains, dim]), logp);
  let k = key(2);
  const run = async (steps: number) => {
    let grads = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) {
      const [a, b] = split(k);
      k = a!;
      const [next, info] = await kernel.step(b!, state, logp, { stepSize: 0.5, inverseMassMatrix });
      tf.dispose([state.position, state.logDensity, state.logDensityGrad]);
      state = next;
      // Lockstep: the batch costs as many gradient evaluations as its longest chain.
      grads += Math.max(...info.numIntegrationSteps);
    }
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, grads };
  };
  await run(3);
  // Kernel launches per transition (overhead that does not shrink with C).
  const profile = await tf.profile(async () => {
    const [next] = await kernel.step(key(3), state, logp, { stepSize: 0.5, inverseMassMatrix });
    tf.dispose([next.position, next.logDensity, next.logDensityGrad]);
  });
  const steps = numChains === 1024 ? 10 : 30;
  const { ms, cpuMs, grads } = await run(steps);
  // CPU time of this process as well as wall time: on a shared machine the wall time counts waits.
  const f = (t: number) => `${(t / steps).toFixed(1)} ms/transition, ${((grads * numChains) / (t / 1000)).toFixed(0)} chain-grad/s`;
  console.log(
    `${backend} C=${numChains} (${(grads / steps).toFixed(1)} batched grad evals and ${profile.kernels.length} kernels per transition): wall ${f(ms)}; cpu-time ${f(cpuMs)}`,
  );
}
