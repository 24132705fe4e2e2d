import * as tf from '@tensorflow/tfjs-core';
import { real, type Distribution, type TensorInput } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { toTensor } from './internal/tensors.js';
import { expandOverPlates } from './internal/plate-shapes.js';
import { checkSiteValue } from './internal/site-shapes.js';
import type { Handler, Message, Model, ModelContext, ParamOptions, PlateFrame, PlateOptions, SampleOptions, SiteType } from './types.js';

/** The state of one run of a model: the handler stack, the active plates and the names seen. */
class Runtime {
  readonly stack: Handler[] = [];
  readonly plates: PlateFrame[] = [];
  readonly names = new Set<string>();
}

const runtimes = new WeakMap<ModelContext, Runtime>();

function runtimeOf(ctx: ModelContext): Runtime {
  const rt = runtimes.get(ctx);
  if (!rt) throw new TypeError('model: the first argument of a model must be the context it was called with');
  return rt;
}

function newMessage(type: SiteType, name: string, rt: Runtime, fields: Partial<Message>): Message {
  return {
    type,
    name,
    fn: undefined,
    value: undefined,
    isObserved: false,
    scale: 1,
    mask: undefined,
    key: undefined,
    plates: rt.plates.slice(),
    sampleShape: [],
    constraint: undefined,
    infer: {},
    stop: false,
    ...fields,
  };
}

/** Runs a message through the handler stack (innermost first), the default behaviour, then postprocess. */
function applyStack(rt: Runtime, msg: Message): Message {
  let visited = 0;
  for (let i = rt.stack.length - 1; i >= 0; i--) {
    visited++;
    rt.stack[i]!.process?.(msg);
    if (msg.stop) break;
  }
  defaultBehaviour(msg);
  for (let i = rt.stack.length - visited; i < rt.stack.length; i++) rt.stack[i]!.postprocess?.(msg);
  return msg;
}

function defaultBehaviour(msg: Message): void {
  if (msg.type === 'sample' && msg.value === undefined) {
    if (!msg.key) {
      throw new Error(
        `sample site '${msg.name}' has no value and no key: wrap the model in seed(model, key) to draw it, or give it a value with substitute / condition`,
      );
    }
    msg.value = msg.fn!.sample(msg.key, msg.sampleShape);
  }
  if (msg.type === 'param' && msg.value === undefined) msg.value = msg.init;
  if (msg.type === 'plate' && msg.indices === undefined) {
    const p = msg.plate!;
    if (p.subsampleSize === p.size) msg.indices = tf.range(0, p.size, 1, 'int32');
    else {
      if (!msg.key) throw new Error(`plate '${msg.name}' subsamples ${p.subsampleSize} of ${p.size}: it needs a key, wrap the model in seed(model, key)`);
      msg.indices = tf.tensor1d(random.permutationIndices(msg.key, p.size).slice(0, p.subsampleSize), 'int32');
    }
  }
  if (msg.type === 'prngKey' && !msg.key) throw new Error(`ctx.prngKey() at '${msg.name}' needs a key: wrap the model in seed(model, key)`);
}

function checkName(rt: Runtime, name: string, what: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${what}: the site name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (rt.names.has(name)) throw new Error(`${what}: duplicate site name '${name}' (every sample, param, deterministic, factor and plate needs its own name)`);
  rt.names.add(name);
}

/** The rightmost batch dim no enclosing plate occupies (NumPyro's and Pyro's allocation). */
function nextPlateDim(rt: Runtime): number {
  let dim = -1;
  while (rt.plates.some((f) => f.dim === dim)) dim--;
  return dim;
}

/** Validates explicit subsample indices given as numbers (a tensor's values cannot be read synchronously; only its rank and dtype are checked). */
function subsampleIndices(name: string, size: number, subsample: NonNullable<PlateOptions['subsample']>): tf.Tensor {
  if (subsample instanceof tf.Tensor) {
    if (subsample.isDisposed) throw new Error(`plate '${name}': 'subsample' is a disposed tensor`);
    if (subsample.rank !== 1 || subsample.dtype !== 'int32') {
      throw new TypeError(`plate '${name}': 'subsample' must be a 1-d int32 tensor, got a ${subsample.rank}-d ${subsample.dtype} tensor`);
    }
    return subsample;
  }
  const idx = Array.from(subsample as ArrayLike<number>);
  const bad = idx.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= size);
  if (bad >= 0) throw new RangeError(`plate '${name}': subsample index ${idx[bad]} (at position ${bad}) is out of range [0, ${size})`);
  return tf.tensor1d(idx, 'int32');
}

function makeContext(rt: Runtime): ModelContext {
  let keyCounter = 0;
  const ctx: ModelContext = {
    sample(name: string, dist: Distribution, options: SampleOptions = {}): tf.Tensor {
      checkName(rt, name, 'sample');
      if (!dist || typeof (dist as Distribution).logProb !== 'function') throw new TypeError(`sample site '${name}': the second argument must be a Distribution`);
      const fn = expandOverPlates(name, dist, rt.plates);
      const observed = options.obs !== undefined;
      const scale = rt.plates.reduce((s, f) => s * (f.size / f.subsampleSize), 1);
      const msg = newMessage('sample', name, rt, {
        fn,
        value: observed ? toTensor(`sample site '${name}'`, 'obs', options.obs!) : undefined,
        isObserved: observed,
        scale,
        sampleShape: options.sampleShape ? [...options.sampleShape] : [],
        infer: options.infer ?? {},
      });
      applyStack(rt, msg);
      if (!(msg.value instanceof tf.Tensor)) throw new TypeError(`sample site '${name}': a handler left it without a tensor value`);
      if (msg.fn) checkSiteValue(name, msg.isObserved ? 'the observed value' : 'the value', msg.value, msg.fn, msg.isObserved ? [] : msg.sampleShape, msg.plates);
      return msg.value;
    },
    param(name: string, init: TensorInput, options: ParamOptions = {}): tf.Tensor {
      checkName(rt, name, 'param');
      const msg = newMessage('param', name, rt, { constraint: options.constraint ?? real, init: toTensor(`param '${name}'`, 'init', init) });
      applyStack(rt, msg);
      if (!(msg.value instanceof tf.Tensor)) throw new TypeError(`param '${name}': a handler left it without a tensor value`);
      return msg.value;
    },
    deterministic(name: string, value: tf.Tensor): tf.Tensor {
      checkName(rt, name, 'deterministic');
      if (!(value instanceof tf.Tensor)) throw new TypeError(`deterministic site '${name}': the value must be a tensor`);
      const msg = newMessage('deterministic', name, rt, { value, isObserved: true });
      return applyStack(rt, msg).value!;
    },
    factor(name: string, logWeight: tf.Tensor): void {
      checkName(rt, name, 'factor');
      if (!(logWeight instanceof tf.Tensor)) throw new TypeError(`factor site '${name}': the log weight must be a tensor`);
      const scale = rt.plates.reduce((s, f) => s * (f.size / f.subsampleSize), 1);
      applyStack(rt, newMessage('factor', name, rt, { value: logWeight, isObserved: true, scale }));
    },
    plate<T>(name: string, size: number, a: PlateOptions | ((indices: tf.Tensor) => T), b?: (indices: tf.Tensor) => T): T {
      const options = typeof a === 'function' ? {} : a;
      const body = typeof a === 'function' ? a : b;
      if (typeof body !== 'function') throw new TypeError(`plate '${name}': the last argument must be the body function`);
      checkName(rt, name, 'plate');
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`plate '${name}': size must be a positive integer, got ${size}`);
      const subsample = options.subsample;
      const given = subsample !== undefined ? subsampleIndices(name, size, subsample) : undefined;
      if (given && options.subsampleSize !== undefined && options.subsampleSize !== given.size) {
        throw new RangeError(`plate '${name}': subsampleSize ${options.subsampleSize} differs from the ${given.size} subsample indices given`);
      }
      const subsampleSize = given ? given.size : (options.subsampleSize ?? size);
      if (!Number.isInteger(subsampleSize) || subsampleSize < 1 || subsampleSize > size) {
        throw new RangeError(`plate '${name}': subsampleSize must be an integer in [1, ${size}], got ${subsampleSize}`);
      }
      const dim = options.dim ?? nextPlateDim(rt);
      if (!Number.isInteger(dim) || dim >= 0) throw new RangeError(`plate '${name}': dim must be a negative integer, got ${dim}`);
      const clash = rt.plates.find((f) => f.dim === dim);
      if (clash) throw new RangeError(`plate '${name}': dim ${dim} is already used by the enclosing plate '${clash.name}'`);
      const msg = newMessage('plate', name, rt, { plate: { size, subsampleSize, subsample } });
      // As in NumPyro, a plate that visits every index has its indices already (so seed spends no key on it).
      if (given) msg.indices = given;
      else if (subsampleSize === size) msg.indices = tf.range(0, size, 1, 'int32');
      applyStack(rt, msg);
      const indices = msg.indices;
      if (!(indices instanceof tf.Tensor) || indices.rank !== 1 || indices.size !== subsampleSize || indices.dtype !== 'int32') {
        throw new RangeError(
          `plate '${name}': a handler gave it indices of shape [${indices instanceof tf.Tensor ? `${indices.shape.join(', ')}] and dtype ${indices.dtype}` : ']'}, ` +
            `where the plate visits ${subsampleSize} (int32)`,
        );
      }
      rt.plates.push({ name, size, subsampleSize, dim });
      try {
        return body(indices);
      } finally {
        rt.plates.pop();
      }
    },
    prngKey(): PRNGKey {
      const msg = newMessage('prngKey', `_prngKey_${keyCounter++}`, rt, {});
      return applyStack(rt, msg).key!;
    },
  };
  runtimes.set(ctx, rt);
  return ctx;
}

/** Runs a model at the top level (no enclosing handlers) and returns what it returns. */
export function runModel<A extends unknown[], R>(model: Model<A, R>, ...args: A): R {
  return model(makeContext(new Runtime()), ...args);
}

/**
 * Wraps a model with a handler made fresh for each run (so a seeded model draws the same values
 * every time it runs). The building block of every handler in this package, and of your own.
 */
export function withHandler<A extends unknown[], R>(model: Model<A, R>, makeHandler: () => Handler): Model<A, R> {
  if (typeof model !== 'function') throw new TypeError('withHandler: model must be a function (ctx, ...args) => result');
  return (ctx: ModelContext, ...args: A): R => {
    const rt = runtimeOf(ctx);
    rt.stack.push(makeHandler());
    try {
      return model(ctx, ...args);
    } finally {
      rt.stack.pop();
    }
  };
}

