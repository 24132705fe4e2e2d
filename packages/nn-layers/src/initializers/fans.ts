import { checkInitShape, describe } from './shape.js';

/** Which axes of a weight shape are the input, output and batch axes (JAX's `in_axis`, `out_axis`, `batch_axis`). */
export interface FanAxes {
  /** Input axis or axes; default -2 (the `in` of a Dense kernel `[in, out]` or a conv kernel `[...k, in, out]`). */
  readonly inAxis?: number | readonly number[];
  /** Output axis or axes; default -1. */
  readonly outAxis?: number | readonly number[];
  /** Axes that index independent weight matrices and count in neither fan; default none. */
  readonly batchAxis?: number | readonly number[];
}

/** The fans of a weight shape: `fanIn = in · receptive`, `fanOut = out · receptive`. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
  /** The product of the dims in none of the in/out/batch axes (a conv kernel's spatial size). */
  readonly receptiveField: number;
}

function normaliseAxes(where: string, name: string, axes: number | readonly number[], rank: number): number[] {
  const list = typeof axes === 'number' ? [axes] : [...axes];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new RangeError(`${where}: ${name} ${describe(axes)} is out of range for a shape of rank ${rank}`);
    }
    return a < 0 ? a + rank : a;
  });
}

/**
 * JAX's `_compute_fans`: the input size is the product of the dims on `inAxis`, the output size that
 * on `outAxis`, and every dim on no in/out/batch axis is a receptive-field dim multiplying both
 * (so a conv kernel `[kh, kw, inC, outC]` has fanIn = kh·kw·inC, fanOut = kh·kw·outC).
 * Shapes of rank < 2 have no fans and are an error.
 */
export function computeFans(shape: readonly number[], axes: FanAxes = {}, where = 'computeFans'): Fans {
  const s = checkInitShape(where, shape).shape;
  if (s.length < 2) {
    throw new RangeError(
      `${where}: shape ${describe(s)} has rank ${s.length}, but fan-based initialisers need rank >= 2 (a Dense kernel is [in, out], a conv kernel [...k, in, out]); use zeros, constant, normal or uniform for biases`,
    );
  }
  const rank = s.length;
  const ins = normaliseAxes(where, 'inAxis', axes.inAxis ?? -2, rank);
  const outs = normaliseAxes(where, 'outAxis', axes.outAxis ?? -1, rank);
  const batch = normaliseAxes(where, 'batchAxis', axes.batchAxis ?? [], rank);
  const used = [...ins, ...outs, ...batch];
  if (new Set(used).size !== used.length) {
    throw new RangeError(`${where}: inAxis, outAxis and batchAxis must be distinct axes, got in ${describe(ins)}, out ${describe(outs)}, batch ${describe(batch)} for shape ${describe(s)}`);
  }
  const prod = (axesList: number[]): number => axesList.reduce((p, a) => p * s[a]!, 1);
  const receptiveField = prod(s.map((_, i) => i).filter((i) => !used.includes(i)));
  return { fanIn: prod(ins) * receptiveField, fanOut: prod(outs) * receptiveField, receptiveField };
}
