import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';
import type { ApplyOptions, Module, StatefulApplyOptions, StatefulOutput } from '../core/module.js';
import { checkModule, containerWiring, initChildren, initChildState, isStateful, nameChildren, runChild, sumChildKl } from './container.js';

/**
 * Modules applied one after the other, as Flax's `nn.Sequential`.
 *
 * - Params `{ Dense_0: ..., BatchNorm_0: ..., Dense_1: ... }`: children are named `${kind}_${i}`,
 *   i counted per kind; paramless children get `{}`.
 * - Keys: child i gets `foldIn(key, i)`, at init and at apply.
 * - State: when a child is stateful (BatchNorm), the sequential is too. `initState` gives
 *   `{ BatchNorm_0: { mean, var } }` (stateless children have no entry); `applyWithState`
 *   threads each child's entry and returns the new state (training: the moved running
 *   statistics); `apply(params, x, { state })` hands each stateful child its entry (evaluation).
 * - `klDivergence` (when a child has one): the sum of the children's KL terms.
 */
export function sequential(modules: readonly Module[]): Module {
  return buildSequential('Sequential', 'sequential', modules);
}

/** {@link sequential} under another kind (MLP) and error prefix. */
export function buildSequential(kind: string, where: string, modules: readonly Module[]): Module {
  if (!Array.isArray(modules) || modules.length === 0) {
    throw new TypeError(`${where}: modules must be a non-empty array of modules, got ${Array.isArray(modules) ? '[]' : typeof modules}`);
  }
  modules.forEach((m, i) => checkModule(where, m, `modules[${i}]`));
  const children = nameChildren(modules);
  const stateful = modules.some(isStateful);
  const hasKl = modules.some((m) => typeof m.klDivergence === 'function');

  /** The input shape of every child, then the output shape. */
  const shapesThrough = (inputShape: readonly number[]): number[][] => {
    const shapes = [[...inputShape]];
    for (const c of children) shapes.push(c.module.outputShape(shapes[shapes.length - 1]!));
    return shapes;
  };

  const run = (params: Tree, x: tf.Tensor, options: ApplyOptions, withState: boolean, fn: string): { output: tf.Tensor; state: Tree } => {
    const newState: Record<string, Tree> = {};
    let h = x;
    children.forEach((c, i) => {
      h = runChild(c, params, h, options, i, withState, newState, `${where}.${fn} (${c.name})`);
    });
    return { output: h === x ? tf.clone(x) : h, state: newState };
  };

  const m: Module = {
    kind,
    children,
    init(key: PRNGKey, inputShape: readonly number[]): Tree {
      return initChildren(children, key, inputShape, true);
    },
    apply(params: Tree, x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
      return tf.tidy(() => run(params, x, options, false, 'apply').output);
    },
    outputShape(inputShape: readonly number[]): number[] {
      return shapesThrough(inputShape)[children.length]!;
    },
    ...(stateful
      ? {
          initState(inputShape: readonly number[]): Tree {
            return initChildState(children, shapesThrough(inputShape));
          },
          applyWithState(params: Tree, x: tf.Tensor, options: StatefulApplyOptions): StatefulOutput {
            return tf.tidy(() => run(params, x, options, true, 'applyWithState') as unknown as tf.TensorContainer) as unknown as StatefulOutput;
          },
        }
      : {}),
    ...(hasKl
      ? {
          klDivergence(params: Tree, options: { readonly key?: PRNGKey } = {}): tf.Scalar {
            return sumChildKl(children, params, options.key, `${where}.klDivergence`);
          },
        }
      : {}),
  };
  containerWiring.set(m, 'chain');
  return m;
}
