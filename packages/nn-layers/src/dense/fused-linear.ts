import * as tf from '@tensorflow/tfjs-core';
import { transposeAMatMulAvailable, transposeAMatMulWithColumnSums } from '../fused/transpose-a-matmul.js';

/** The activations {@link fusedLinear} differentiates by hand. */
export type FusedActivation = 'linear' | 'relu' | 'elu' | 'sigmoid' | 'tanh' | 'leakyrelu';

/** Flax's (and tfjs's) leakyRelu slope, the one `activations.leakyRelu` uses by default. */
const LEAKY_ALPHA = 0.01;

/**
 * `act(x · w + b)` for a 2-D `x` `[n, in]`, `w` `[in, out]`, `b` `[out]`, as one tfjs op on the
 * gradient tape (`tf.customGrad`) whose gradient is written by hand:
 * `dz = dy · act'(from the output y)`, `dx = dz · wᵀ`, `dw = xᵀ · dz`, `db = 1ᵀ · dz`.
 *
 * On tfjs-wasm the weight and bias gradients come from one WebAssembly SIMD kernel of our own
 * (`xᵀ·dz` and the column sums of dz, ../fused/transpose-a-matmul.ts), and `dz · wᵀ` transposes w
 * explicitly: tfjs-wasm's matmul takes a slow scalar path when asked to transpose an operand (a
 * 512×128 backward product: 7.7 ms with the flags, 0.7 ms transposed first; DESIGN.md). The other
 * backends transpose inside the matmul for free; their bias gradient is the product with a row of
 * ones, several times faster than `sum(dz, 0)` on wasm and cpu.
 *
 * Forward: relu, elu, sigmoid and leakyRelu run inside tfjs's `_FusedMatMul` kernel with the bias;
 * tanh on wasm is `2·sigmoid(2z) − 1` (wasm's own tanh is a scalar loop, ~15× slower than its
 * sigmoid; the identity's absolute error is ~1e-7, so its relative error is above float32's only
 * where |tanh z| < 1e-3, negligible next to the layer's other outputs).
 */
export function fusedLinear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | undefined, act: FusedActivation): tf.Tensor2D {
  const wasm = tf.getBackend() === 'wasm';
  const forward = (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D | undefined): tf.Tensor2D => {
    if (act === 'tanh') {
      if (!wasm) return tf.tanh(fusedMatMulKernel(xx, ww, bb, 'linear')) as tf.Tensor2D;
      // tanh(z) = 2σ(2z) − 1, with the 2 folded into the (small) weights.
      const s = fusedMatMulKernel(xx, tf.mul(ww, 2) as tf.Tensor2D, bb === undefined ? undefined : (tf.mul(bb, 2) as tf.Tensor1D), 'sigmoid');
      return tf.sub(tf.mul(s, 2), 1) as tf.Tensor2D;
    }
    return fusedMatMulKernel(xx, ww, bb, act);
  };
  const simd = wasm && transposeAMatMulAvailable();
  /** [dx, dw, db]: db from the SIMD kernel (with dw), else 1ᵀ·dz, a product several times faster than sum(dz, 0) on wasm and cpu. */
  const backward = (dy: tf.Tensor2D, xx: tf.Tensor2D, ww: tf.Tensor2D, y: tf.Tensor2D, withBias: boolean): tf.Tensor[] => {
    const dz = activationGrad(act, dy, y);
    const dx: tf.Tensor2D = wasm ? tf.matMul(dz, tf.transpose(ww)) : tf.matMul(dz, ww, false, true);
    if (simd) {
      const [dw, db] = transposeAMatMulWithColumnSums(xx, dz);
      if (withBias) return [dx, dw, db];
      db.dispose();
      return [dx, dw];
    }
    const dw: tf.Tensor2D = wasm ? tf.matMul(tf.transpose(xx), dz) : tf.matMul(xx, dz, true, false);
    if (!withBias) return [dx, dw];
    return [dx, dw, tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]), dz), [dz.shape[1]])];
  };
  if (b === undefined) {
    const f = tf.customGrad((xx, ww, save) => {
      const y = forward(xx as tf.Tensor2D, ww as tf.Tensor2D, undefined);
      (save as tf.GradSaveFunc)([xx as tf.Tensor, ww as tf.Tensor, y]);
      return {
        value: y,
        gradFunc: (dy, saved) => backward(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, saved[2] as tf.Tensor2D, false),
      };
    });
    return f(x, w) as tf.Tensor2D;
  }
  const f = tf.customGrad((xx, ww, bb, save) => {
    const y = forward(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D);
    (save as tf.GradSaveFunc)([xx as tf.Tensor, ww as tf.Tensor, y]);
    return {
      value: y,
      gradFunc: (dy, saved) => backward(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, saved[2] as tf.Tensor2D, true),
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

/** dL/dz from dL/dy and the output y = act(z). */
function activationGrad(act: FusedActivation, dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  switch (act) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'elu':
      // y > 0: dy; else dy·(y + 1). tfjs's own ELU gradient kernel, on every backend.
      return tf.engine().runKernel('EluGrad', { dy, y }) as tf.Tensor2D;
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'tanh':
      return tf.sub(dy, tf.mul(dy, tf.square(y)));
    case 'leakyrelu':
      // slope 1 where y > 0, alpha elsewhere (y has the sign of z).
      return tf.mul(dy, tf.add(tf.mul(tf.step(y), 1 - LEAKY_ALPHA), LEAKY_ALPHA));
  }
}

/**
 * tfjs's `_FusedMatMul` kernel itself. `tf.fused.matMul` runs matmul, add and the activation as
 * separate kernels whenever a gradient tape is recording (so that tfjs can differentiate them),
 * which is always the case here: the hand-written gradient makes the fusion safe.
 */
function fusedMatMulKernel(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D | undefined, activation: Exclude<FusedActivation, 'tanh'>): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const inputs: Record<string, tf.Tensor> = { a: tf.reshape(a, [1, n, k]), b: tf.reshape(b, [1, k, m]) };
  if (bias !== undefined) inputs.bias = bias;
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: LEAKY_ALPHA };
  const out = tf.engine().runKernel('_FusedMatMul', inputs as never, attrs as never) as tf.Tensor;
  return tf.reshape(out, [n, m]);
}
