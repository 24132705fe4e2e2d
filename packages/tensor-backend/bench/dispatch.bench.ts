/**
 * Per-op dispatch overhead: what one tiny op costs when its arithmetic is nothing. Small models
 * (HMC on a few parameters, one-sample VI) are bound by this, not by FLOPs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase } from '@probdl/bench';

/** Ops chained in one timed run; the one readback at its end is spread over them. */
const OPS_PER_RUN = 1000;
const SYNC = `one awaited readback (await t.data()) after the ${OPS_PER_RUN} chained ops of each run`;

/**
 * Applies `op` OPS_PER_RUN times, each on the previous result (so the device cannot skip any),
 * freeing each intermediate, then waits for the last one's values.
 */
async function chain(start: tf.Tensor, op: (x: tf.Tensor) => tf.Tensor): Promise<void> {
  let x = start;
  for (let i = 0; i < OPS_PER_RUN; i++) {
    const y = op(x);
    if (x !== start) x.dispose();
    x = y;
  }
  await x.data();
  x.dispose();
}

export default defineBenchmarks({
  package: '@probdl/tensor-backend',
  description: 'Per-op dispatch overhead of tfjs-core on each backend.',
  cases: [
    defineCase({
      name: 'add f32[16]',
      unit: 'op',
      itemsPerRun: OPS_PER_RUN,
      sync: SYNC,
      params: { op: 'add', shape: '[16]' },
      setup: () => ({ x: tf.zeros([16]), one: tf.ones([16]) }),
      run: ({ state }) => chain(state.x, (x) => tf.add(x, state.one)),
      teardown: ({ state }) => tf.dispose([state.x, state.one]),
      pytorch: { script: 'dispatch.py', args: { op: 'add', size: 16, 'ops-per-run': OPS_PER_RUN } },
    }),
    defineCase({
      name: 'matMul f32[1,1]',
      unit: 'op',
      itemsPerRun: OPS_PER_RUN,
      sync: SYNC,
      params: { op: 'matMul', shape: '[1,1]x[1,1]' },
      setup: () => ({ x: tf.ones([1, 1]), w: tf.ones([1, 1]) }),
      run: ({ state }) => chain(state.x, (x) => tf.matMul(x, state.w)),
      teardown: ({ state }) => tf.dispose([state.x, state.w]),
      pytorch: { script: 'dispatch.py', args: { op: 'matmul', size: 1, 'ops-per-run': OPS_PER_RUN } },
    }),
    defineCase({
      // What the readback in the cases above costs once (on WebGPU: a queue submit, a map, a copy).
      name: 'add + readback f32[1]',
      unit: 'readback',
      sync: 'await t.data() of the result',
      params: { op: 'add then data()', shape: '[1]' },
      setup: () => ({ x: tf.ones([1]) }),
      run: async ({ state }) => {
        const y = tf.add(state.x, state.x);
        await y.data();
        y.dispose();
      },
      teardown: ({ state }) => state.x.dispose(),
      pytorch: { script: 'dispatch.py', args: { op: 'readback', size: 1, 'ops-per-run': 1 } },
    }),
  ],
});
