import * as tf from '@tensorflow/tfjs-core';
import { floatArgs, savedAt, type SpecialInput } from './args.js';

/** What a custom-gradient forward returns: the value, and dL/dinputs given dL/dvalue and the saved tensors. */
export interface CustomResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/** tf.customGrad over a fixed list of tensor arguments (the save function comes as the second parameter). */
export function customOp(f: (args: tf.Tensor[], save: tf.GradSaveFunc) => CustomResult): (...args: tf.Tensor[]) => tf.Tensor {
  const g = tf.customGrad(((...raw: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = raw[raw.length - 1] as tf.GradSaveFunc;
    return f(raw.slice(0, -1) as tf.Tensor[], save);
  }) as Parameters<typeof tf.customGrad>[0]);
  return (...args: tf.Tensor[]) => g(...args);
}

/**
 * A unary float32 op with a hand-written derivative: the forward never goes through tfjs autodiff,
 * so branches that tf.where discards cannot leak NaN into the gradient.
 * `derivative(x, y)` returns dy/dx elementwise (y is the forward output).
 */
export function defineUnary(
  name: string,
  forward: (x: tf.Tensor) => tf.Tensor,
  derivative: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): (x: SpecialInput) => tf.Tensor {
  const op = customOp(([x], save) => {
    const y = forward(x as tf.Tensor);
    save([x as tf.Tensor, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(savedAt(saved, 0), savedAt(saved, 1))),
    };
  });
  return (x: SpecialInput) =>
    tf.tidy(() => {
      const [xf] = floatArgs(name, ['x'], [x]);
      return op(xf as tf.Tensor);
    });
}

/**
 * An n-ary elementwise op whose arguments are broadcast to one shape first (tfjs's broadcastTo gradient
 * sums the gradient back to each argument's own shape). `partials(args, y)` returns dy/darg_i elementwise.
 */
export function defineElementwise(
  name: string,
  argNames: string[],
  forward: (args: tf.Tensor[]) => tf.Tensor,
  partials: (args: tf.Tensor[], y: tf.Tensor, dy: tf.Tensor) => tf.Tensor[],
): (...args: SpecialInput[]) => tf.Tensor {
  const n = argNames.length;
  const op = customOp((args, save) => {
    const y = forward(args);
    save([...args, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const xs = saved.slice(0, n);
        return partials(xs, savedAt(saved, n), dy);
      },
    };
  });
  return (...args: SpecialInput[]) =>
    tf.tidy(() => {
      if (args.length !== n) throw new Error(`${name}: expected ${n} arguments (${argNames.join(', ')}), got ${args.length}`);
      const xs = floatArgs(name, argNames, args);
      return op(...xs);
    });
}
