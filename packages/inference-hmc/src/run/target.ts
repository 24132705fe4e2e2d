import * as tf from '@tensorflow/tfjs-core';
import { logDensity, type InitStrategy, type LatentSite, type LogDensityModel, type Model } from '@probdl/model';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { LogDensityFn } from '../types.js';
import type { LogDensityTarget, ModelTarget, ModuleTarget, SampleTarget } from './types.js';

/** A target made ready to run. */
export interface ResolvedTarget {
  readonly logDensityFn: LogDensityFn;
  readonly dim: number;
  /** Latent sites (model targets), undefined for a bare log density. */
  readonly sites: readonly LatentSite[] | undefined;
  /** Constrained values by site name (model targets). */
  readonly constrain: ((position: tf.Tensor) => Record<string, tf.Tensor>) | undefined;
  /** Chains fixed by the target (a log density target's initial position `[C, D]`), else undefined. */
  readonly numChains: number | undefined;
  /** Starting positions `[C, D]` of chains `first .. first + count - 1` (fresh tensor). */
  initialPosition(key: PRNGKey, count: number, first: number, strategy: InitStrategy | undefined): Promise<tf.Tensor>;
  /** The module description, when the target came from one (needed by workers). */
  readonly module: ModuleTarget | undefined;
  /** Whether each row's log density depends on that row alone (model targets; opt-in for bare ones). */
  readonly independentRows: boolean;
  dispose(): void;
}

function isLogDensityModel(t: object): t is LogDensityModel {
  const m = t as LogDensityModel;
  return typeof m.logDensityFn === 'function' && typeof m.constrain === 'function' && typeof m.initialPosition === 'function' && typeof m.dim === 'number';
}

function fromLogDensityModel(m: LogDensityModel, owned: boolean, module: ModuleTarget | undefined): ResolvedTarget {
  return {
    logDensityFn: (p) => m.logDensityFn(p),
    dim: m.dim,
    sites: m.sites,
    constrain: (p) => m.constrain(p),
    numChains: undefined,
    initialPosition: (key, count, _first, strategy) => m.initialPosition(key, { numChains: count, ...(strategy ? { strategy } : {}) }),
    module,
    independentRows: true,
    dispose: () => {
      if (owned) m.dispose();
    },
  };
}

function fromLogDensityTarget(t: LogDensityTarget, module: ModuleTarget | undefined): ResolvedTarget {
  const p = t.initialPosition;
  if (!(p instanceof tf.Tensor) || (p.rank !== 1 && p.rank !== 2)) {
    throw new TypeError(`sample: target.initialPosition must be a tensor [C, D] or [D], got ${p instanceof tf.Tensor ? `[${p.shape.join(', ')}]` : typeof p}`);
  }
  const dim = p.shape[p.rank - 1]!;
  const rows = p.rank === 2 ? p.shape[0]! : undefined;
  return {
    logDensityFn: t.logDensityFn,
    dim,
    sites: undefined,
    constrain: undefined,
    numChains: rows,
    initialPosition: (_key, count, first) =>
      Promise.resolve(tf.tidy(() => (p.rank === 1 ? tf.tile(tf.expandDims(p, 0), [count, 1]) : tf.slice(p, [first, 0], [count, dim])))),
    module,
    independentRows: t.independentRows === true,
    dispose: () => undefined,
  };
}

async function importModule(m: ModuleTarget): Promise<unknown> {
  if (typeof m.exportName !== 'string' || m.exportName === '') throw new TypeError('sample: target.exportName must be a non-empty string');
  if (typeof m.module !== 'string' && !(m.module instanceof URL) && (typeof m.module !== 'object' || m.module === null)) {
    throw new TypeError("sample: target.module must be a module's URL (a string or URL) or its exports (an object)");
  }
  const ns = (typeof m.module === 'object' && !(m.module instanceof URL) ? m.module : await import(/* @vite-ignore */ m.module instanceof URL ? m.module.href : m.module)) as Record<string, unknown>;
  if (!(m.exportName in ns)) throw new TypeError(`sample: module ${typeof m.module === 'object' && !(m.module instanceof URL) ? '(exports object)' : String(m.module)} has no export '${m.exportName}'`);
  return ns[m.exportName];
}

/** Frees a target a module's factory made: its own dispose, its initial position, its args' tensors. */
function disposeMade(made: SampleTarget): void {
  const t = made as Partial<LogDensityTarget & ModelTarget & LogDensityModel>;
  if (typeof t.dispose === 'function') t.dispose();
  if ('logDensityFn' in made && !isLogDensityModel(made) && t.initialPosition instanceof tf.Tensor) t.initialPosition.dispose();
  if ('model' in made && Array.isArray(t.args)) tf.dispose(t.args as tf.TensorContainer);
}

/** True for a `{ module, exportName }` target. */
export function isModuleTarget(t: unknown): t is ModuleTarget {
  return typeof t === 'object' && t !== null && 'module' in t && 'exportName' in t;
}

/** Makes a target ready to run; errors say what a target may be. */
export async function resolveTarget(target: SampleTarget, module?: ModuleTarget): Promise<ResolvedTarget> {
  if (typeof target !== 'object' || target === null) {
    throw new TypeError('sample: target must be { model, args }, { logDensityFn, initialPosition }, a LogDensityModel or { module, exportName }');
  }
  if (isModuleTarget(target)) {
    const exported = await importModule(target);
    const args = target.args ?? [];
    if (!Array.isArray(args)) throw new TypeError('sample: target.args must be an array');
    if (typeof exported !== 'function') throw new TypeError(`sample: export '${target.exportName}' must be a function (a model or a target factory)`);
    if (target.kind === 'model') return resolveTarget({ model: exported as Model<never[]>, args }, target);
    if (target.kind !== undefined && target.kind !== 'factory') throw new RangeError(`sample: target.kind must be 'factory' or 'model', got ${String(target.kind)}`);
    const made = (await (exported as (...a: unknown[]) => unknown)(...args)) as SampleTarget;
    if (isModuleTarget(made)) throw new TypeError(`sample: export '${target.exportName}' returned a module target`);
    const resolved = await resolveTarget(made, target);
    // The factory made the target for this run: the run frees it.
    return {
      ...resolved,
      dispose: () => {
        resolved.dispose();
        disposeMade(made);
      },
    };
  }
  if (isLogDensityModel(target)) return fromLogDensityModel(target, false, module);
  if ('logDensityFn' in target) {
    if (typeof target.logDensityFn !== 'function') throw new TypeError('sample: target.logDensityFn must be a function [C, D] -> [C]');
    return fromLogDensityTarget(target, module);
  }
  if ('model' in target) {
    const t = target as ModelTarget;
    if (typeof t.model !== 'function') throw new TypeError('sample: target.model must be a model function (ctx, ...args)');
    if (!Array.isArray(t.args)) throw new TypeError('sample: target.args must be an array of the model arguments');
    return fromLogDensityModel(logDensity(t.model as Model<unknown[]>, t.args as unknown[]), true, module);
  }
  throw new TypeError('sample: target must be { model, args }, { logDensityFn, initialPosition }, a LogDensityModel or { module, exportName }');
}
