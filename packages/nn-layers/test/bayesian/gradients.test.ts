import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, it } from 'vitest';
import { denseFlipout, denseLocalReparameterization, denseReparameterization } from '../../src/bayesian/index.js';
import { expectTreeGradientsMatchHost } from '../helpers/finite-difference.js';
import { hostPreActivation, redraw, type LayerType } from './host.js';

const N = 4, IN = 3, OUT = 2;
const X = Float64Array.from([0.8, -1.2, 0.5, -0.3, 0.9, 1.5, 1.1, 0.2, -0.7, 0.4, -0.5, 0.6]);
const LOC = Float64Array.from([0.5, -0.2, 0.1, 0.7, -0.6, 0.3]);
const U = Float64Array.from([-1, 0, 0.5, -0.5, 0.2, -1.2]);
const BLOC = Float64Array.from([0.1, -0.4]);
const BU = Float64Array.from([-0.8, -0.2]);
// A fixed linear read-out of tanh(outputs), so every output element enters the scalar differently.
const C = Float64Array.from([0.3, -1.1, 0.7, 0.2, -0.5, 0.9, 1.3, -0.4]);

const FACTORIES = { reparameterization: denseReparameterization, flipout: denseFlipout, localReparameterization: denseLocalReparameterization };

describe.each(Object.keys(FACTORIES) as LayerType[])('%s gradients (fixed key)', (type) => {
  it('wrt kernelLoc, kernelUntransformedScale, biasLoc, biasUntransformedScale and x match float64 finite differences at the same ε', async () => {
    const layer = FACTORIES[type](OUT, { biasPosterior: 'normal', activation: 'tanh' });
    const k = key(41);
    const noise = await redraw(type, k, N, IN, OUT);
    await expectTreeGradientsMatchHost(
      ([loc, u, bLoc, bU, x]) =>
        tf.tidy(() => {
          const y = layer.apply({ kernelLoc: loc!, kernelUntransformedScale: u!, biasLoc: bLoc!, biasUntransformedScale: bU! }, x!, { key: k });
          return tf.sum(tf.mul(y, tf.tensor2d(Float32Array.from(C), [N, OUT]))) as tf.Scalar;
        }),
      ([loc, u, bLoc, bU, x]) => {
        const z = hostPreActivation(type, x!, N, IN, OUT, { loc: loc!, u: u!, bLoc: bLoc!, bU: bU! }, noise);
        return z.reduce((a, zi, i) => a + Math.tanh(zi) * C[i]!, 0);
      },
      [
        { values: LOC, shape: [IN, OUT] },
        { values: U, shape: [IN, OUT] },
        { values: BLOC, shape: [OUT] },
        { values: BU, shape: [OUT] },
        { values: X, shape: [N, IN] },
      ],
    );
  });
});
