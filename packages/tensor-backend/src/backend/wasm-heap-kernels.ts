import * as tf from '@tensorflow/tfjs-core';

/**
 * A tfjs kernel for the wasm backend whose work is done by a small WebAssembly module of our own
 * (e.g. a SIMD loop compiled from AssemblyScript) running directly on tfjs-wasm's heap: the module
 * imports `env.memory`, which is given tfjs-wasm's own memory, so it reads the inputs and writes
 * the outputs in place, by byte offset, with no copies.
 */
export interface WasmHeapKernel {
  /** Name passed to `tf.engine().runKernel`; must not clash with a tfjs kernel. */
  readonly kernelName: string;
  /** Input names, in the order `run` receives their offsets. */
  readonly inputNames: readonly string[];
  /**
   * The module's bytes. Its only import is `env.memory`; it has no data segments. It is compiled
   * synchronously on first use, which browsers allow on the main thread up to 4 KB.
   */
  readonly module: Uint8Array<ArrayBuffer>;
  /** Shapes of the (float32) outputs, from the inputs and the attrs. */
  outputShapes(inputs: readonly tf.TensorInfo[], attrs: tf.NamedAttrMap): number[][];
  /**
   * Calls the module's exports with the byte offsets of the inputs and outputs on the heap. Outputs
   * are uninitialised memory: every element must be written.
   */
  run(exports: WebAssembly.Exports, inputs: readonly number[], outputs: readonly number[], inputInfos: readonly tf.TensorInfo[], attrs: tf.NamedAttrMap): void;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown };
}

/** The instance of each module on each heap (a backend re-created after `tf.removeBackend` has a new one). */
const instances = new WeakMap<object, WeakMap<Uint8Array<ArrayBuffer>, WebAssembly.Instance>>();

function heapOf(backend: WasmBackendLike): WebAssembly.Memory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('registerWasmHeapKernel: cannot find tfjs-backend-wasm\'s WebAssembly.Memory (Module.asm.memory)');
  return memory;
}

function instanceOf(backend: WasmBackendLike, bytes: Uint8Array<ArrayBuffer>): WebAssembly.Instance {
  const memory = heapOf(backend);
  let perMemory = instances.get(memory);
  if (perMemory === undefined) {
    perMemory = new WeakMap();
    instances.set(memory, perMemory);
  }
  let instance = perMemory.get(bytes);
  if (instance === undefined) {
    // Synchronous compilation: the modules are a few KB (browsers allow up to 4 KB on the main thread).
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    perMemory.set(bytes, instance);
  }
  return instance;
}

function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo, kernelName: string): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error(`${kernelName}: a tensor is not on the wasm heap`);
  return data.memoryOffset;
}

/** An unsigned LEB128 at `at`: [value, next offset]. */
function leb128(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new RangeError('registerWasmHeapKernel: the module ends inside a section header');
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/**
 * Whether a (valid) module has a non-empty data section. Data segments are written into the memory
 * at instantiation, and this memory is tfjs-wasm's heap: they would overwrite its tensors. (Compilers
 * emit them for lookup tables and constants, e.g. AssemblyScript's `Math.exp`.)
 */
function hasDataSegments(bytes: Uint8Array): boolean {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, body] = leb128(bytes, at + 1);
    if (id === 11 && leb128(bytes, body)[0] > 0) return true;
    at = body + size;
  }
  return false;
}

/**
 * Registers `kernel` for the wasm backend when this runtime can compile its module (a module using
 * SIMD does not validate where WebAssembly SIMD is missing); returns whether it is registered.
 * Idempotent. Check with `hasKernel(kernel.kernelName)` before running it. A module with data
 * segments is refused with an error: instantiating it would write them over tfjs-wasm's heap.
 */
export function registerWasmHeapKernel(kernel: WasmHeapKernel): boolean {
  if (tf.getKernel(kernel.kernelName, 'wasm') !== undefined) return true;
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(kernel.module)) return false;
  if (hasDataSegments(kernel.module)) {
    throw new RangeError(`registerWasmHeapKernel: the module of ${kernel.kernelName} has data segments, which would overwrite tfjs-wasm's heap when instantiated on it; compile it without static data (no lookup tables or constant arrays)`);
  }
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) => {
    const backend = args.backend as WasmBackendLike;
    const ins = kernel.inputNames.map((name) => {
      const t = args.inputs[name];
      if (t === undefined) throw new Error(`${kernel.kernelName}: missing input '${name}'`);
      if (t.dtype !== 'float32') throw new TypeError(`${kernel.kernelName}: input '${name}' must be float32, got ${t.dtype}`);
      return t;
    });
    const outs = kernel.outputShapes(ins, args.attrs).map((s) => backend.makeOutput(s, 'float32'));
    const instance = instanceOf(backend, kernel.module);
    kernel.run(
      instance.exports,
      ins.map((t) => offsetOf(backend, t, kernel.kernelName)),
      outs.map((t) => offsetOf(backend, t, kernel.kernelName)),
      ins,
      args.attrs,
    );
    return outs.length === 1 ? outs[0]! : outs;
  };
  tf.registerKernel({ kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  return true;
}
