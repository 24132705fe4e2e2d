import * as tf from '@tensorflow/tfjs-core';
import type { Program } from './program.js';
import { replay } from './program.js';
import { record, TRACE_BACKENDS, type HostValues } from './record.js';

/** Options of {@link traceKernels}. */
export interface TraceKernelsOptions {
  /** Programs kept (one per input shape and backend; the least recently used goes first). Default 32. */
  readonly maxPrograms?: number;
}

/**
 * A function of one float32 tensor whose kernel calls are recorded once per input shape and then
 * replayed directly on the backend (see {@link traceKernels}).
 */
export interface KernelTrace {
  /**
   * The function's outputs at `input` (row-major host values of shape `shape`), as host arrays in
   * the order the function returns them; bit for bit what tfjs computes. The first call for a
   * shape evaluates through tfjs and records; later calls replay. Returns null where the function
   * cannot be replayed: a backend other than cpu and wasm, or a function that reads tensor values
   * or uses a `tf.Variable` (see {@link unreplayableReason}); evaluate it through tfjs then.
   */
  run(input: Float32Array, shape: readonly number[]): HostValues[] | null;
  /** Why the last `run` returned null (undefined after a run that did not). */
  readonly unreplayableReason: string | undefined;
  /** Programs held now. */
  readonly numPrograms: number;
  /**
   * The kernel calls one replay at input shape `shape` makes (after dropping unused calls, reusing
   * relabelled inputs and folding constants), or undefined where no program for it is held.
   */
  kernelsPerRun(shape: readonly number[]): number | undefined;
  /** Frees every program's constants; `run` afterwards throws. */
  dispose(): void;
}

type Entry = { program: Program } | { reason: string };

/**
 * Records the kernels that `fn` runs (the forward pass and, when `fn` takes gradients, the
 * backward pass too) on the current backend, once per input shape, and replays them at new input
 * values without tfjs's engine: no scope tracking, no gradient tape, no copies the tape saves, and
 * none of the calls whose results `fn` does not return. A small function such as a log density
 * and its gradient at a batch of a few hundred rows runs about twice as fast this way on wasm,
 * where tfjs's per-kernel bookkeeping costs more than the arithmetic. The values are those tfjs
 * computes, bit for bit: the same kernel functions run on the same inputs.
 *
 * `fn` must be a pure function of its input's values, like a function under `jax.jit`: tensors
 * it makes from host values or closes over are recorded as constants, so a function whose result
 * depends on anything else (a counter, a `tf.Variable`, random numbers drawn from tfjs's global
 * seed) is wrong when replayed. Functions that read tensor values or use variables are detected
 * and evaluated through tfjs instead. Replay needs synchronous kernels on host memory: the cpu
 * and wasm backends (`run` returns null on WebGPU).
 */
export function traceKernels(fn: (x: tf.Tensor) => tf.Tensor | tf.Tensor[], options: TraceKernelsOptions = {}): KernelTrace {
  if (typeof fn !== 'function') throw new TypeError(`traceKernels: fn must be a function, got ${typeof fn}`);
  const maxPrograms = options.maxPrograms ?? 32;
  if (!Number.isInteger(maxPrograms) || maxPrograms < 1) throw new RangeError(`traceKernels: options.maxPrograms must be a positive integer, got ${String(maxPrograms)}`);
  const programs = new Map<string, Entry>();
  let disposed = false;
  let reason: string | undefined;
  const drop = (entry: Entry) => {
    if ('program' in entry) tf.dispose([...entry.program.constants.values()]);
  };
  return {
    run(input, shape) {
      if (disposed) throw new Error('traceKernels: run after dispose');
      if (!(input instanceof Float32Array)) throw new TypeError(`traceKernels: input must be a Float32Array, got ${Object.prototype.toString.call(input)}`);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!shape.every((n) => Number.isInteger(n) && n >= 0) || size !== input.length) {
        throw new RangeError(`traceKernels: input has ${input.length} values, shape [${shape.join(', ')}] needs ${size}`);
      }
      const backendName = tf.getBackend();
      if (!TRACE_BACKENDS.includes(backendName)) {
        reason = `the ${backendName} backend's kernels cannot be replayed (cpu and wasm only)`;
        return null;
      }
      const key = `${backendName}:${shape.join(',')}`;
      const entry = programs.get(key);
      if (entry !== undefined && 'program' in entry && entry.program.backend === (tf.backend() as unknown)) {
        // Most recently used last.
        programs.delete(key);
        programs.set(key, entry);
        reason = undefined;
        return replay(entry.program, input);
      }
      if (entry !== undefined && 'reason' in entry) {
        reason = entry.reason;
        return null;
      }
      if (entry !== undefined) {
        drop(entry);
        programs.delete(key);
      }
      const r = record(fn, input, shape);
      programs.set(key, r.program ? { program: r.program } : { reason: r.reason! });
      while (programs.size > maxPrograms) {
        const [oldest, old] = programs.entries().next().value as [string, Entry];
        drop(old);
        programs.delete(oldest);
      }
      reason = r.reason;
      return r.program ? r.values : null;
    },
    get unreplayableReason() {
      return reason;
    },
    kernelsPerRun(shape) {
      const entry = programs.get(`${tf.getBackend()}:${shape.join(',')}`);
      return entry !== undefined && 'program' in entry ? entry.program.ops.filter((op) => op.aliasOf === undefined).length : undefined;
    },
    get numPrograms() {
      return [...programs.values()].filter((e) => 'program' in e).length;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const e of programs.values()) drop(e);
      programs.clear();
    },
  };
}
