import * as tf from '@tensorflow/tfjs-core';
import { foldIn, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import type { ApplyOptions, Module, NamedModule, StatefulOutput } from '../core/module.js';

/**
 * How a container feeds its children, for {@link summaryRows}: 'chain' (each child gets the
 * previous child's output: Sequential, MLP) or 'parallel' (each gets the container's input:
 * Residual). Containers not registered here are inferred from their shapes.
 */
export const containerWiring = new WeakMap<Module, 'chain' | 'parallel'>();

/** A plain-object view of a params or state tree, for reading a child's entry. */
export type TreeRecord = { readonly [key: string]: Tree };

/** Throws unless `m` looks like a {@link Module}. */
export function checkModule(where: string, m: unknown, label: string): Module {
  const mod = m as Partial<Module> | null | undefined;
  if (
    mod === null ||
    typeof mod !== 'object' ||
    typeof mod.kind !== 'string' ||
    typeof mod.init !== 'function' ||
    typeof mod.apply !== 'function' ||
    typeof mod.outputShape !== 'function'
  ) {
    throw new TypeError(`${where}: ${label} must be a Module (an object with kind, init, apply and outputShape), got ${m === null ? 'null' : typeof m}`);
  }
  return mod as Module;
}

/** Names children `${kind}_${i}` with i counted per kind, as Flax does (Dense_0, Dense_1, BatchNorm_0). */
export function nameChildren(modules: readonly Module[]): NamedModule[] {
  const counts = new Map<string, number>();
  return modules.map((module) => {
    const i = counts.get(module.kind) ?? 0;
    counts.set(module.kind, i + 1);
    return { name: `${module.kind}_${i}`, module };
  });
}

/** Whether a module carries state (BatchNorm, or a container holding one). */
export function isStateful(m: Module): boolean {
  return typeof m.initState === 'function' && typeof m.applyWithState === 'function';
}

/** The entry `name` of a params tree; a missing entry is an error naming it and the keys present. */
export function childParams(where: string, params: Tree, name: string): Tree {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof tf.Tensor) {
    throw new TypeError(`${where}: params must be an object with one entry per child (${name}, ...), got ${params === null ? 'null' : typeof params}`);
  }
  const rec = params as TreeRecord;
  if (!(name in rec)) throw new RangeError(`${where}: params has no entry '${name}' (it has ${Object.keys(rec).map((k) => `'${k}'`).join(', ') || 'none'})`);
  return rec[name];
}

/** The state entry of child `name`, or undefined when there is no state. */
export function childState(state: Tree | undefined, name: string): Tree | undefined {
  if (state === undefined || state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
  return (state as TreeRecord)[name];
}

/**
 * Options for child `index`: its key is `foldIn(key, index)` (containers' convention), and only a
 * stateful child gets a state (its own entry).
 */
export function childOptions(options: ApplyOptions, index: number, child: NamedModule): ApplyOptions {
  return {
    ...options,
    key: options.key === undefined ? undefined : foldIn(options.key, index),
    state: isStateful(child.module) ? childState(options.state, child.name) : undefined,
  };
}

/**
 * Runs one child: with `withState`, a stateful child goes through `applyWithState` and its new state
 * is stored in `newState[name]`; otherwise `apply` (a stateful child then reads its state from the options).
 */
export function runChild(child: NamedModule, params: Tree, x: tf.Tensor, options: ApplyOptions, index: number, withState: boolean, newState: Record<string, Tree>, where: string): tf.Tensor {
  const p = childParams(where, params, child.name);
  const opts = childOptions(options, index, child);
  if (withState && isStateful(child.module)) {
    const s = opts.state;
    if (s === undefined) {
      throw new TypeError(`${where}: options.state has no entry '${child.name}' for the stateful child ${child.name} (build it with initState)`);
    }
    const r: StatefulOutput = child.module.applyWithState!(p, x, { ...opts, state: s });
    newState[child.name] = r.state;
    return r.output;
  }
  return child.module.apply(p, x, opts);
}

/**
 * The params of a container: child i initialised with `foldIn(key, i)` at `inputShape`, or, when
 * `chained`, at the previous child's output shape. If a child throws, what was made is freed.
 */
export function initChildren(children: readonly NamedModule[], key: PRNGKey, inputShape: readonly number[], chained: boolean): Tree {
  const params: Record<string, Tree> = {};
  try {
    let shape: number[] = [...inputShape];
    children.forEach((c, i) => {
      params[c.name] = c.module.init(foldIn(key, i), chained ? shape : inputShape);
      if (chained) shape = c.module.outputShape(shape);
    });
  } catch (e) {
    tree.dispose(params);
    throw e;
  }
  return params;
}

/** The initial state of a container: the entries of its stateful children (stateless ones contribute nothing). */
export function initChildState(children: readonly NamedModule[], inputShapes: readonly (readonly number[])[]): Tree {
  const state: Record<string, Tree> = {};
  children.forEach((c, i) => {
    if (isStateful(c.module)) state[c.name] = c.module.initState!(inputShapes[i]!);
  });
  return state;
}

/** Sum of the children's KL terms (Bayesian layers), child i with key `foldIn(key, i)`. */
export function sumChildKl(children: readonly NamedModule[], params: Tree, key: PRNGKey | undefined, where: string): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    children.forEach((c, i) => {
      if (typeof c.module.klDivergence !== 'function') return;
      const kl = c.module.klDivergence(childParams(where, params, c.name), { key: key === undefined ? undefined : foldIn(key, i) });
      total = tf.add(total, kl) as tf.Scalar;
    });
    return total;
  });
}
