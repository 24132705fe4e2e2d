import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, registerHostKernel, tree, type HostKernel, type Tree } from '@probdl/tensor-backend';

/** Hyperparameters of the fused Adam step (those of scaleByAdam). */
export interface AdamKernelAttrs {
  b1: number;
  b2: number;
  eps: number;
  epsRoot: number;
  nesterov: boolean;
}

const KERNEL_NAME = 'ProbdlAdamUpdate';

/**
 * One pass per leaf over g, mu, nu: mu' = b1 mu + (1-b1) g, nu' = b2 nu + (1-b2) g²,
 * u = mû / (sqrt(nu'/(1-b2^t) + epsRoot) + eps), mû = mu'/(1-b1^t) or NAdam's
 * b1 mu'/(1-b1^(t+1)) + (1-b1) g/(1-b1^t). The count t is the incremented int32 count, read here
 * so no bias-correction tensors are made. Arithmetic in float64, stored as float32: agrees with the
 * op-by-op path to float32 rounding. Replaces ~13 tfjs kernels per leaf on cpu and wasm.
 */
const adamKernel: HostKernel = {
  kernelName: KERNEL_NAME,
  inputNames: ['g', 'mu', 'nu', 'count'],
  outputShapes: (inputs) => [inputs[0]!.shape, inputs[0]!.shape, inputs[0]!.shape],
  compute([g, mu, nu, count], [u, muOut, nuOut], attrs) {
    const { b1: b1d, b2: b2d, eps: epsD, epsRoot: epsRootD, nesterov } = attrs as unknown as AdamKernelAttrs;
    // Constants as the op-by-op path sees them (float32 scalars). 1 − b2^t is ill-conditioned in
    // b2 at small t (1 − 0.999^5 ≈ 0.005 amplifies b2's float32 rounding ~200×), so it is formed
    // exactly as that path forms it, float32 power and difference, not in float64.
    const f = Math.fround;
    const [b1, b2, eps, epsRoot] = [f(b1d), f(b2d), f(epsD), f(epsRootD)];
    const t = count![0]!;
    const correction = (b: number, n: number) => f(1 - f(Math.pow(b, n)));
    const c1 = correction(b1, t);
    const c2 = correction(b2, t);
    const c1Next = correction(b1, t + 1);
    const a1 = f(1 - b1d);
    const a2 = f(1 - b2d);
    for (let i = 0; i < u!.length; i++) {
      const gi = g![i]!;
      const m = b1 * mu![i]! + a1 * gi;
      const v = b2 * nu![i]! + a2 * gi * gi;
      muOut![i] = m;
      nuOut![i] = v;
      const mHat = nesterov ? (b1 * m) / c1Next + (a1 * gi) / c1 : m / c1;
      u![i] = mHat / (Math.sqrt(v / c2 + epsRoot) + eps);
    }
  },
};

let registered = false;

/** Whether the fused Adam kernel runs on the active backend (registers it on first use). */
export function adamKernelAvailable(): boolean {
  if (!registered) {
    registerHostKernel(adamKernel);
    registered = true;
  }
  return hasKernel(KERNEL_NAME);
}

const isFloatTensor = (x: unknown): x is tf.Tensor => x instanceof tf.Tensor && x.dtype === 'float32';

/**
 * The fused Adam step over trees, or undefined when some leaf is not a float32 tensor shaped like
 * its moments (the caller then takes the op-by-op path). `count` is the incremented count.
 * Returns fresh [updates, mu', nu'] trees; inputs are not disposed.
 */
export function fusedAdamStep(updates: Tree, mu: Tree, nu: Tree, count: tf.Scalar, attrs: AdamKernelAttrs): [Tree, Tree, Tree] | undefined {
  // Structure check (its error names the first differing path), before any tensor is made.
  tree.map(() => 0, updates, mu, nu);
  const { leaves: gs, treedef } = tree.flatten(updates);
  const ms = tree.leaves(mu);
  const vs = tree.leaves(nu);
  const fits = gs.every((g, i) => isFloatTensor(g) && isFloatTensor(ms[i]) && isFloatTensor(vs[i]) && tf.util.arraysEqual(g.shape, (ms[i] as tf.Tensor).shape) && tf.util.arraysEqual(g.shape, (vs[i] as tf.Tensor).shape));
  if (!fits) return undefined;
  const out: tf.Tensor[][] = [[], [], []];
  gs.forEach((g, i) => {
    const res = tf.engine().runKernel(KERNEL_NAME, { g: g as tf.Tensor, mu: ms[i] as tf.Tensor, nu: vs[i] as tf.Tensor, count }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    res.forEach((r, j) => out[j]!.push(r));
  });
  return [tree.unflatten(treedef, out[0]!), tree.unflatten(treedef, out[1]!), tree.unflatten(treedef, out[2]!)] as [Tree, Tree, Tree];
}
