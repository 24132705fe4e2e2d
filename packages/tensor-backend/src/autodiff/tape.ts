import * as tf from '@tensorflow/tfjs-core';

/*
 * Two repairs to tfjs-core's gradient tape (4.22), applied to the active tape just before
 * `engine.gradients` reads it. They reach into the engine's state, so each checks the shape of
 * what it touches and does nothing when that is not what it expects.
 *
 * 1. Order. An op whose gradient reads its own output (exp, sigmoid, tanh, softmax, logSoftmax,
 *    max, fused activations, ...) saves a clone of that output, and the clone's tape node is
 *    recorded *before* the op's node. The tape filter walks the tape once in order, so the clone
 *    looks unconnected to x and a second derivative silently loses every term through the saved
 *    output (tensorflow/tfjs#3252: grad(grad(exp)) throws, or returns a wrong value when other
 *    paths exist). A stable topological sort of the tape fixes it.
 * 2. Comparisons. Greater, Equal, LogicalAnd, ... have no registered gradient, so any path through
 *    one throws "gradient function not found", even at first order (`tf.where(tf.greater(x, 0),
 *    ...)`, and second order through max, clipByValue, relu6, leakyRelu, prelu, selu). Their
 *    outputs are bool or int32, piecewise constant in the inputs: the gradient is zero.
 */

interface TapeNodeLike {
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineStateLike {
  activeTape: TapeNodeLike[] | null;
  gradientDepth: number;
}

function engineState(): EngineStateLike | undefined {
  const state = (tf.engine() as unknown as { state?: EngineStateLike }).state;
  return state !== undefined && typeof state.gradientDepth === 'number' ? state : undefined;
}

function looksLikeTape(tape: unknown): tape is TapeNodeLike[] {
  return (
    Array.isArray(tape) &&
    tape.every((n: Partial<TapeNodeLike>) => n !== null && typeof n === 'object' && Array.isArray(n.outputs) && typeof n.inputs === 'object')
  );
}

/** Applies both repairs to the active tape (a no-op when there is none). */
export function repairTape(): void {
  const tape = engineState()?.activeTape;
  if (!looksLikeTape(tape) || tape.length === 0) return;
  const ordered = topologicalOrder(tape);
  // In place, element by element (a spread of a long tape could overflow the argument limit).
  if (ordered !== tape) ordered.forEach((node, i) => (tape[i] = node));
  for (const node of tape) {
    if (node.gradient == null && node.outputs.length > 0 && node.outputs.every((o) => o.dtype === 'bool' || o.dtype === 'int32')) {
      const inputs = node.inputs;
      node.gradient = () => Object.fromEntries(Object.entries(inputs).map(([name, x]) => [name, () => tf.zeros(x.shape, 'float32')]));
    }
  }
}

/**
 * A stable topological order: every node after the nodes that produce its inputs, otherwise in
 * recorded order. Returns `tape` itself when it is already in order (the usual case).
 */
function topologicalOrder(tape: TapeNodeLike[]): TapeNodeLike[] {
  const producer = new Map<number, number>();
  tape.forEach((node, i) => node.outputs.forEach((o) => producer.set(o.id, i)));
  const pendingOn = (i: number, emitted: boolean[]): number => {
    for (const x of Object.values(tape[i]!.inputs)) {
      const p = producer.get(x.id);
      if (p !== undefined && p !== i && !emitted[p]) return p;
    }
    return -1;
  };
  // Fast path: nothing reads a tensor produced later.
  if (tape.every((node, i) => Object.values(node.inputs).every((x) => (producer.get(x.id) ?? -1) <= i))) return tape;

  const emitted = new Array<boolean>(tape.length).fill(false);
  const waiting = new Map<number, number[]>();
  const out: TapeNodeLike[] = [];
  for (let start = 0; start < tape.length; start++) {
    const stack = [start];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (emitted[i]) continue;
      const p = pendingOn(i, emitted);
      if (p >= 0) {
        const w = waiting.get(p) ?? [];
        w.push(i);
        waiting.set(p, w);
        continue;
      }
      emitted[i] = true;
      out.push(tape[i]!);
      const released = waiting.get(i);
      if (released !== undefined) {
        waiting.delete(i);
        // Reversed so that the earliest recorded waiter is emitted first.
        for (let k = released.length - 1; k >= 0; k--) stack.push(released[k]!);
      }
    }
  }
  // A cycle cannot occur (tensors are immutable); keep anything left in recorded order regardless.
  tape.forEach((node, i) => {
    if (!emitted[i]) out.push(node);
  });
  return out;
}

/**
 * After `engine.gradients` threw at the outermost level, the tape it left behind still holds the
 * kept tensors it saved for the backward pass; dispose them and drop the tape, as tfjs does after
 * a successful backward pass.
 */
export function discardTapeAfterError(): void {
  const state = engineState();
  if (state === undefined || state.gradientDepth !== 0 || !looksLikeTape(state.activeTape)) return;
  for (const node of state.activeTape) node.saved?.forEach((t) => t.dispose());
  state.activeTape = null;
}
