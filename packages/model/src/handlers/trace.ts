import { withHandler } from '../runtime.js';
import { runModel } from '../runtime.js';
import type { Message, Model, Site, Trace } from '../types.js';

function toSite(msg: Message): Site {
  return {
    type: msg.type,
    name: msg.name,
    fn: msg.fn,
    value: msg.value!,
    isObserved: msg.isObserved,
    scale: msg.scale,
    mask: msg.mask,
    plates: msg.plates,
    constraint: msg.constraint,
    infer: msg.infer,
  };
}

/** A model that records its sites; `getTrace(...args)` runs it and returns them. */
export interface TracedModel<A extends unknown[], R> extends Model<A, R> {
  /** Runs the model at the top level and returns its sites in order, plus what it returned. */
  getTrace(...args: A): Trace;
  /** Like getTrace, with the model's return value too. */
  run(...args: A): { trace: Trace; value: R };
}

/**
 * Records every site the model runs (sample, param, deterministic, factor, plate), in order
 * (NumPyro's `trace`). The trace holds the tensors the run made; run it inside `tf.tidy` or
 * dispose what you keep. `prngKey` sites are not recorded.
 */
export function trace<A extends unknown[], R>(model: Model<A, R>): TracedModel<A, R> {
  let sink: Map<string, Site> | undefined;
  const wrapped = withHandler(model, () => ({
    postprocess(msg) {
      if (msg.type === 'prngKey' || !sink) return;
      if (msg.type === 'plate') {
        sink.set(msg.name, { ...toSite({ ...msg, value: msg.indices }), value: msg.indices! });
        return;
      }
      sink.set(msg.name, toSite(msg));
    },
  }));
  const run = (...args: A) => {
    const previous = sink;
    const mine = new Map<string, Site>();
    sink = mine;
    try {
      const value = runModel(wrapped, ...args);
      return { trace: mine as Trace, value };
    } finally {
      sink = previous;
    }
  };
  const traced = ((ctx, ...args: A) => {
    // Used inside another model or handler: record into a fresh sink for this run.
    const previous = sink;
    sink = new Map();
    try {
      return wrapped(ctx, ...args);
    } finally {
      sink = previous;
    }
  }) as TracedModel<A, R>;
  traced.getTrace = (...args: A) => run(...args).trace;
  traced.run = run;
  return traced;
}
