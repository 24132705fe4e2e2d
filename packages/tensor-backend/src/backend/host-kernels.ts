import * as tf from '@tensorflow/tfjs-core';

/** A tensor's values as the kernel sees them on the host (views valid only during the call). */
export type HostArray = Float32Array | Int32Array | Uint8Array;

/**
 * A kernel written as a JavaScript loop over host memory, for the backends whose tensors live
 * there: 'cpu' (JS typed arrays) and 'wasm' (views on the wasm heap). One pass over the data
 * instead of a chain of tfjs kernels, each with its own dispatch and full read/write of memory.
 */
export interface HostKernel {
  /** Name passed to `tf.engine().runKernel`; must not clash with a tfjs kernel. */
  readonly kernelName: string;
  /** Input names, in the order `compute` receives them. */
  readonly inputNames: readonly string[];
  /** Shapes of the (float32) outputs, from the inputs and the attrs. */
  outputShapes(inputs: readonly tf.TensorInfo[], attrs: tf.NamedAttrMap): number[][];
  /** Fills every element of every output from the inputs. */
  compute(inputs: readonly HostArray[], outputs: readonly Float32Array[], attrs: tf.NamedAttrMap): void;
}

/** The backends a {@link HostKernel} runs on. */
export const HOST_KERNEL_BACKENDS = ['cpu', 'wasm'] as const;

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): HostArray;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown };

function inputsOf(kernel: HostKernel, args: KernelArgs): tf.TensorInfo[] {
  return kernel.inputNames.map((name) => {
    const t = args.inputs[name];
    if (t === undefined) throw new Error(`${kernel.kernelName}: missing input '${name}'`);
    return t;
  });
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const result = (outs: tf.TensorInfo[]) => (outs.length === 1 ? outs[0]! : outs);

function cpuKernelFunc(kernel: HostKernel) {
  return (args: KernelArgs) => {
    const backend = args.backend as CpuBackendLike;
    const ins = inputsOf(kernel, args);
    const views = ins.map((t) => backend.data.get(t.dataId).values as HostArray);
    const shapes = kernel.outputShapes(ins, args.attrs);
    const outs = shapes.map((s) => new Float32Array(size(s)));
    kernel.compute(views, outs, args.attrs);
    return result(shapes.map((s, i) => backend.makeTensorInfo(s, 'float32', outs[i])));
  };
}

function wasmKernelFunc(kernel: HostKernel) {
  return (args: KernelArgs) => {
    const backend = args.backend as WasmBackendLike;
    const ins = inputsOf(kernel, args);
    const outs = kernel.outputShapes(ins, args.attrs).map((s) => backend.makeOutput(s, 'float32'));
    // Views only after every makeOutput: allocating may grow the heap, which detaches earlier views.
    const views = ins.map((t) => backend.typedArrayFromHeap(t));
    kernel.compute(views, outs.map((t) => backend.typedArrayFromHeap(t) as Float32Array), args.attrs);
    return result(outs);
  };
}

/**
 * Registers `kernel` for the cpu and wasm backends (once: a name already registered for a backend
 * is left alone, so packages may call this lazily on every use). Run it with
 * `tf.engine().runKernel(kernel.kernelName, inputs, attrs)` where {@link hasKernel} says so.
 */
export function registerHostKernel(kernel: HostKernel): void {
  for (const backendName of HOST_KERNEL_BACKENDS) {
    if (tf.getKernel(kernel.kernelName, backendName) !== undefined) continue;
    const kernelFunc = backendName === 'cpu' ? cpuKernelFunc(kernel) : wasmKernelFunc(kernel);
    tf.registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

/** Whether `kernelName` is registered for `backendName` (default: the active backend). */
export function hasKernel(kernelName: string, backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(kernelName, backendName) !== undefined;
}
