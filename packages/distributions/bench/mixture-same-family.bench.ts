/**
 * The mixture density network head of the cluster-mass study: a 16-component MixtureSameFamily of
 * Normals over a batch of 65,536 (logits, locs and scales [65536, 16], x [65536]). Cases: logProb,
 * logProb with its gradients (a training step's head), and sample, each next to a baseline in the
 * same process to read ratios against:
 * - logProb vs the same mixture written by hand as a tf expression (logSoftmax + normal log density +
 *   logSumExp), and vs a plain Normal logProb over [65536, 16] (the component densities alone);
 * - sample vs a plain Normal sample of [65536, 16] (the component draws alone).
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase, type BenchCase } from '@probdl/bench';
import { key, logSoftmax, logSumExp, valueAndGrad } from '@probdl/tensor-backend';
import { MixtureSameFamily, type MixingDistribution } from '../src/combinators/mixture-same-family.js';
import { Distribution } from '../src/distribution.js';
import { Normal } from '../src/families/normal.js';
import type { Constraint } from '../src/constraints/types.js';
import { real } from '../src/constraints/constraints.js';

const N = 65_536;
const K = 16;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const PARAMS = { batch: N, components: K };

/**
 * The mixing weights: only `logits` and `batchShape` are read by MixtureSameFamily, so the bench
 * does not depend on the Categorical family's file.
 */
class Logits extends Distribution {
  readonly name = 'Logits';
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  constructor(readonly logits: tf.Tensor) {
    super({ validateArgs: false });
    this.batchShape = logits.shape.slice(0, -1);
  }
  get support(): Constraint {
    return real;
  }
  sample(): tf.Tensor {
    throw new Error('not used');
  }
  logProb(): tf.Tensor {
    throw new Error('not used');
  }
}

interface Head {
  logits: tf.Tensor;
  loc: tf.Tensor;
  scale: tf.Tensor;
  x: tf.Tensor;
}

function setup(): Head {
  return {
    logits: tf.randomNormal([N, K], 0, 1, 'float32', 1),
    loc: tf.randomNormal([N, K], 0, 2, 'float32', 2),
    scale: tf.tidy(() => tf.exp(tf.randomNormal([N, K], -0.5, 0.3, 'float32', 3))),
    x: tf.randomNormal([N], 0, 2, 'float32', 4),
  };
}
const teardown = ({ state }: { state: Head }) => tf.dispose([state.logits, state.loc, state.scale, state.x]);

/** The head as the model builds it every step (tensors in, no validation readback). */
function mixture(h: Pick<Head, 'logits' | 'loc' | 'scale'>): MixtureSameFamily {
  return new MixtureSameFamily({
    mixtureDistribution: new Logits(h.logits) as MixingDistribution,
    componentsDistribution: new Normal({ loc: h.loc, scale: h.scale, validateArgs: false }),
    validateArgs: false,
  });
}

function headCase(name: string, what: string, body: (h: Head) => tf.Tensor): BenchCase<Head> {
  return defineCase<Head>({
    name,
    unit: 'call',
    sync: 'await the result (one readback) every call',
    params: { ...PARAMS, implementation: what },
    setup,
    run: async ({ state }) => {
      const out = tf.tidy(() => body(state));
      await out.data();
      out.dispose();
    },
    teardown,
  });
}

/** The same mixture log density written by hand with tf ops. */
function handWrittenLogProb(h: Head): tf.Tensor {
  const z = tf.div(tf.sub(tf.expandDims(h.x, -1), h.loc), h.scale);
  const comp = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(h.scale), HALF_LOG_TWO_PI));
  return logSumExp(tf.add(logSoftmax(h.logits, -1), comp), { axis: -1 });
}

/** Mean negative log-likelihood and its gradients wrt logits, locs and scales (one readback of the loss; the grads are summed into it). */
function lossAndGrads(h: Head, logProb: (p: Pick<Head, 'logits' | 'loc' | 'scale'>) => tf.Tensor): tf.Tensor {
  const [loss, g] = valueAndGrad((p: Pick<Head, 'logits' | 'loc' | 'scale'>) => tf.neg(tf.mean(logProb(p))))({ logits: h.logits, loc: h.loc, scale: h.scale });
  const grads = g as Record<string, tf.Tensor>;
  // fold every gradient into the result so the readback waits for all of them
  return tf.addN([loss, ...Object.values(grads).map((t) => tf.mul(tf.sum(t), 0))]);
}

let draw = 0;

export default defineBenchmarks({
  package: '@probdl/distributions',
  description: `MixtureSameFamily of ${K} Normals over a batch of ${N} (the MDN head): logProb, logProb + gradients and sample, with baselines in the same run.`,
  cases: [
    headCase('msf logProb', 'MixtureSameFamily.logProb', (h) => mixture(h).logProb(h.x)),
    headCase('baseline: hand-written mixture logProb', 'tf ops: logSoftmax + normal log density + logSumExp', handWrittenLogProb),
    headCase('baseline: normal logProb [65536,16]', 'Normal.logProb of x[:, None] (component densities only)', (h) =>
      new Normal({ loc: h.loc, scale: h.scale, validateArgs: false }).logProb(tf.expandDims(h.x, -1)),
    ),
    headCase('msf logProb + grads', 'valueAndGrad of -mean(MixtureSameFamily.logProb) wrt logits, locs, scales', (h) =>
      lossAndGrads(h, (p) => mixture(p).logProb(h.x)),
    ),
    headCase('baseline: hand-written logProb + grads', 'valueAndGrad of -mean(hand-written mixture logProb)', (h) =>
      lossAndGrads(h, (p) => handWrittenLogProb({ ...p, x: h.x })),
    ),
    headCase('msf sample', 'MixtureSameFamily.sample(key) -> [65536]', (h) => mixture(h).sample(key(draw++))),
    headCase('baseline: normal sample [65536,16]', 'Normal.sample(key) of the components only', (h) =>
      new Normal({ loc: h.loc, scale: h.scale, validateArgs: false }).sample(key(draw++)),
    ),
  ],
});
