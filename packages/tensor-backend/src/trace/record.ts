import * as tf from '@tensorflow/tfjs-core';
import { optimise, type Program, type RecordedOp, type ReplayBackend, type SlotUse } from './program.js';

/** The backends whose kernels run synchronously on host memory, so a recorded call can be replayed. */
export const TRACE_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/** Host values of a float32, int32 or bool tensor. */
export type HostValues = Float32Array | Int32Array | Uint8Array;

/** The dtypes whose values a program can keep as constants. */
const FOLDABLE: ReadonlySet<string> = new Set(['float32', 'int32', 'bool']);

type Info = { dataId: tf.DataId; shape: number[]; dtype: tf.DataType };
type KernelArgs = { inputs: Record<string, Info | null | undefined>; attrs: tf.NamedAttrMap; backend: tf.KernelBackend };

/** What one traced evaluation gives: the program (or why there is none) and the outputs' values. */
export interface Recording {
  readonly program: Program | undefined;
  /** Why the function cannot be replayed (when `program` is undefined). */
  readonly reason?: string;
  readonly values: HostValues[];
}

/**
 * Evaluates `fn` at `input` through tfjs as usual while recording every kernel call the engine
 * makes on the current backend (its kernel functions are wrapped for the duration of the call
 * and restored before this returns). Calls made by a kernel from inside another are part of it
 * and not recorded. Tensors that no recorded call made and that are not the input are the
 * function's constants: their values are copied into tensors the program keeps, as are the
 * outputs of calls whose inputs are all constants (which the program then does not make).
 *
 * No program is made where the function reads tensor data itself (its kernels could then depend
 * on the values) or uses a `tf.Variable` (its values could change between calls).
 */
export function record(fn: (x: tf.Tensor) => tf.Tensor | tf.Tensor[], input: Float32Array, shape: readonly number[]): Recording {
  const backendName = tf.getBackend();
  const backend = tf.backend() as unknown as ReplayBackend & tf.KernelBackend;
  const slotOf = new Map<tf.DataId, number>();
  const constantIds = new Map<number, tf.DataId>();
  const ops: RecordedOp[] = [];
  let numSlots = 1;
  let depth = 0;
  let topLevelRead = false;
  const newSlot = (dataId: tf.DataId) => {
    const s = numSlots++;
    slotOf.set(dataId, s);
    return s;
  };
  const constantValues = new Map<number, { values: HostValues; shape: number[]; dtype: tf.DataType }>();
  let unsupportedDtype: string | undefined;
  let unsafeKernel: string | undefined;
  const rawReadSync = backend.readSync.bind(backend);
  const useOf = (name: string, t: Info): SlotUse => {
    let slot = slotOf.get(t.dataId);
    if (slot === undefined) {
      // A constant, read now: the engine may free it right after this call.
      slot = newSlot(t.dataId);
      constantIds.set(slot, t.dataId);
      if (FOLDABLE.has(t.dtype)) {
        constantValues.set(slot, { values: (rawReadSync(t.dataId) as HostValues).slice(), shape: t.shape.slice(), dtype: t.dtype });
      } else {
        unsupportedDtype = t.dtype;
      }
    }
    return { name, slot, shape: t.shape.slice(), dtype: t.dtype };
  };

  const restore: (() => void)[] = [];
  for (const config of tf.getKernelsForBackend(backendName)) {
    const original = config.kernelFunc;
    const wrapped = (args: KernelArgs) => {
      if (depth > 0) return original(args as never);
      depth++;
      try {
        const given = Object.entries(args.inputs).filter((e): e is [string, Info] => e[1] != null);
        const inputs = given.map(([name, t]) => useOf(name, t));
        const refsBefore = given.map(([, t]) => backend.refCount(t.dataId));
        const out = original(args as never) as Info | Info[];
        const list = Array.isArray(out) ? out : [out];
        // A replay frees every output once: an output that is an input needs a reference of its own.
        for (const o of list) {
          const i = given.findIndex(([, t]) => t.dataId === o.dataId);
          if (i >= 0 && backend.refCount(o.dataId) <= refsBefore[i]!) unsafeKernel = config.kernelName;
        }
        const outputs = list.map((o) => newSlot(o.dataId));
        if (inputs.every((u) => constantValues.has(u.slot)) && list.every((o) => FOLDABLE.has(o.dtype))) {
          // Constant folding: a kernel of constants alone (the backward pass's seed and its
          // broadcasts, for one) gives constants; keep their values instead of the call.
          list.forEach((o, i) => constantValues.set(outputs[i]!, { values: (rawReadSync(o.dataId) as HostValues).slice(), shape: o.shape.slice(), dtype: o.dtype }));
        } else {
          ops.push({ kernelName: config.kernelName, kernelFunc: original, inputs, attrs: args.attrs, outputs });
        }
        return out;
      } finally {
        depth--;
      }
    };
    (config as { kernelFunc: unknown }).kernelFunc = wrapped;
    restore.push(() => ((config as { kernelFunc: unknown }).kernelFunc = original));
  }
  // Reads by the function (or the engine) between kernels mean the trace may depend on values.
  const ownReadSync = Object.getOwnPropertyDescriptor(backend, 'readSync');
  const ownRead = Object.getOwnPropertyDescriptor(backend, 'read');
  const rawRead = backend.read.bind(backend);
  (backend as { readSync: unknown }).readSync = (dataId: tf.DataId) => {
    if (depth === 0) topLevelRead = true;
    return rawReadSync(dataId);
  };
  (backend as { read: unknown }).read = (dataId: tf.DataId) => {
    if (depth === 0) topLevelRead = true;
    return rawRead(dataId);
  };
  restore.push(() => {
    if (ownReadSync) Object.defineProperty(backend, 'readSync', ownReadSync);
    else delete (backend as { readSync?: unknown }).readSync;
    if (ownRead) Object.defineProperty(backend, 'read', ownRead);
    else delete (backend as { read?: unknown }).read;
  });

  let results: tf.Tensor[];
  const x = tf.tensor(input, shape.slice(), 'float32');
  slotOf.set(x.dataId, 0);
  try {
    // In a scope, as a caller would run it: tensors fn makes and does not return are freed.
    results = tf.tidy(() => {
      const out = fn(x);
      return Array.isArray(out) ? out : [out];
    });
  } catch (e) {
    x.dispose();
    throw e;
  } finally {
    for (const r of restore) r();
  }
  try {
    if (!results.every((r) => r instanceof tf.Tensor)) throw new TypeError('traceKernels: fn must return a tensor or an array of tensors');
    const values = results.map((r) => (rawReadSync(r.dataId) as HostValues).slice());
    const variableIds = new Set(Object.values(tf.engine().registeredVariables).map((v) => v.dataId));
    let reason: string | undefined;
    if (topLevelRead) reason = 'fn reads tensor values while it runs';
    else if ([...constantIds.values()].some((id) => variableIds.has(id))) reason = 'fn uses a tf.Variable, whose values may change';
    else if (unsupportedDtype !== undefined) reason = `fn uses a ${unsupportedDtype} tensor`;
    else if (unsafeKernel !== undefined) reason = `the ${unsafeKernel} kernel returns its input without a reference of its own`;
    if (reason !== undefined) return { program: undefined, reason, values };
    const outputs = results.map((r, i) => {
      const slot = slotOf.get(r.dataId);
      if (slot !== undefined) return { name: `output${i}`, slot, shape: r.shape.slice(), dtype: r.dtype };
      // An output no kernel made (a constant returned as it is).
      const s = newSlot(r.dataId);
      constantValues.set(s, { values: values[i]!.slice(), shape: r.shape.slice(), dtype: r.dtype });
      return { name: `output${i}`, slot: s, shape: r.shape.slice(), dtype: r.dtype };
    });
    const kept = optimise(ops, outputs);
    const used = new Set(kept.flatMap((op) => op.inputs.map((u) => u.slot)).concat(outputs.map((o) => o.slot)));
    const constants = new Map<number, tf.Tensor>();
    for (const [slot, c] of constantValues) if (used.has(slot)) constants.set(slot, tf.keep(tf.tensor(c.values, c.shape, c.dtype)));
    return { program: { backendName, backend, inputShape: shape.slice(), numSlots, constants, ops: kept, outputs }, values };
  } finally {
    tf.dispose(results);
    x.dispose();
  }
}
