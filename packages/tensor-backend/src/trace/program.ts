import type * as tf from '@tensorflow/tfjs-core';

/** The backend interface a replay needs (what tfjs's cpu and wasm backends have). */
export interface ReplayBackend {
  write(values: Float32Array, shape: number[], dtype: tf.DataType): tf.DataId;
  readSync(dataId: tf.DataId): unknown;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** A tensor as one kernel call saw it: the slot holding its data, and its shape and dtype there. */
export interface SlotUse {
  readonly name: string;
  readonly slot: number;
  readonly shape: number[];
  readonly dtype: tf.DataType;
}

/** One recorded kernel call. */
export interface RecordedOp {
  readonly kernelName: string;
  readonly kernelFunc: tf.KernelFunc;
  readonly inputs: readonly SlotUse[];
  readonly attrs: tf.NamedAttrMap;
  /** The slots its outputs fill, in the order the kernel returns them. */
  readonly outputs: readonly number[];
  /**
   * Set where the call only relabels its single input (Identity, Reshape, a Cast to the same
   * dtype): the replay then reuses the input's data instead of calling the kernel.
   */
  readonly aliasOf?: number;
}

/**
 * A traced function: the kernel calls one evaluation made on a backend, in order, with every
 * tensor a numbered slot. Slot 0 is the input; constants (tensors the function made from host
 * values or closed over) are kept as tensors of their own.
 */
export interface Program {
  readonly backendName: string;
  readonly backend: ReplayBackend;
  readonly inputShape: number[];
  readonly numSlots: number;
  readonly constants: ReadonlyMap<number, tf.Tensor>;
  readonly ops: readonly RecordedOp[];
  readonly outputs: readonly SlotUse[];
}

/** Kernels that, with one input of the output's dtype, only relabel it. */
function aliasSlot(kernelName: string, inputs: readonly SlotUse[], attrs: tf.NamedAttrMap, outputs: readonly number[]): number | undefined {
  if (inputs.length !== 1 || outputs.length !== 1) return undefined;
  const x = inputs[0]!;
  if (kernelName === 'Identity' || kernelName === 'Reshape') return x.slot;
  if (kernelName === 'Cast' && attrs.dtype === x.dtype) return x.slot;
  return undefined;
}

/**
 * Drops the calls whose outputs nothing downstream reads (the engine's bookkeeping clones, a total
 * the caller discards) and marks the relabelling calls as aliases. Kernels are pure functions of
 * their inputs and attrs, so neither changes any value the outputs hold.
 */
export function optimise(ops: readonly RecordedOp[], outputs: readonly SlotUse[]): RecordedOp[] {
  const live = new Set(outputs.map((o) => o.slot));
  const kept: RecordedOp[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (!op.outputs.some((s) => live.has(s))) continue;
    for (const u of op.inputs) live.add(u.slot);
    const alias = aliasSlot(op.kernelName, op.inputs, op.attrs, op.outputs);
    kept.push(alias === undefined ? op : { ...op, aliasOf: alias });
  }
  return kept.reverse();
}

type Info = { dataId: tf.DataId; shape: number[]; dtype: tf.DataType };

/**
 * Runs a program at new input values: the same kernel functions with the same attrs, called
 * directly on the backend (no engine bookkeeping, no tape), every intermediate freed before it
 * returns. Returns copies of the outputs' values.
 */
export function replay(p: Program, input: Float32Array): Float32Array[] | Int32Array[] | Uint8Array[] {
  const backend = p.backend;
  const ids = new Array<tf.DataId | undefined>(p.numSlots);
  const owned: tf.DataId[] = [];
  try {
    const x = backend.write(input, p.inputShape, 'float32');
    owned.push(x);
    ids[0] = x;
    for (const [slot, t] of p.constants) ids[slot] = t.dataId;
    for (const op of p.ops) {
      if (op.aliasOf !== undefined) {
        ids[op.outputs[0]!] = ids[op.aliasOf];
        continue;
      }
      const inputs: Record<string, Info> = {};
      for (const u of op.inputs) inputs[u.name] = { dataId: ids[u.slot]!, shape: u.shape, dtype: u.dtype };
      const out = op.kernelFunc({ inputs, attrs: op.attrs, backend: backend as unknown as tf.KernelBackend }) as Info | Info[];
      if (Array.isArray(out)) {
        for (let i = 0; i < out.length; i++) {
          owned.push(out[i]!.dataId);
          if (i < op.outputs.length) ids[op.outputs[i]!] = out[i]!.dataId;
        }
      } else {
        owned.push(out.dataId);
        ids[op.outputs[0]!] = out.dataId;
      }
    }
    return p.outputs.map((o) => (backend.readSync(ids[o.slot]!) as Float32Array).slice()) as Float32Array[];
  } finally {
    for (const id of owned) backend.disposeData(id);
  }
}
