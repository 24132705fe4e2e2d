import * as tf from '@tensorflow/tfjs-core';

/** The slice of tfjs-backend-wasm's backend object a JS kernel needs (its memory is the wasm heap). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: tf.DataId): void;
}

/**
 * Identity that shares its input's memory (a reference count, as wasm's Reshape and the cpu
 * backend's Identity do) instead of copying it. tfjs-core runs Identity for every `clone` and for
 * every tensor it saves for a gradient, so on wasm each recorded op copied its inputs: about 24
 * copies of the `[C, N]` logits per gradient of a batched logistic regression. Tensors are
 * immutable and no wasm kernel writes into its inputs, so sharing is safe. Strings keep the copy.
 */
let copyingIdentity: tf.KernelFunc | undefined;
function sharedIdentity(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs.x!;
  const backend = args.backend as WasmBackendLike;
  if (x.dtype === 'string') return copyingIdentity!(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * UnsortedSegmentSum in JavaScript on the wasm heap. tfjs-backend-wasm 4.22 lacks this kernel, and
 * tfjs-core's gradient of `gather` calls it, so without it no gradient flows through a gather on wasm
 * (triangular packing in FillScaleTriL, embeddings, ...). out[s, ...] = Σ_{i: ids[i] = s} x[i, ...];
 * ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const segmentIds = args.inputs.segmentIds!;
  const numSegments = args.attrs.numSegments as number;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views after makeOutput: allocating may grow the heap, which detaches earlier views.
  const outVals = backend.typedArrayFromHeap(out);
  const xVals = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  outVals.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) outVals[dst + j] = outVals[dst + j]! + xVals[src + j]!;
  }
  return out;
}

/** Registers the kernels probdl needs that tfjs-backend-wasm does not ship (once; skips ones it has). */
export function registerMissingWasmKernels(): void {
  const identity = tf.getKernel('Identity', 'wasm');
  if (identity !== undefined && identity.kernelFunc !== (sharedIdentity as unknown as tf.KernelFunc)) {
    copyingIdentity = identity.kernelFunc;
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity as unknown as tf.KernelFunc });
  }
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
}
