/**
 * The NumPy dtypes that the .npy reader and writer understand, and how each maps to a JS typed array.
 *
 * | NumPy descr        | {@link NpyDtype} | typed array    | note                                        |
 * |--------------------|------------------|----------------|---------------------------------------------|
 * | `<f4`              | `float32`        | Float32Array   |                                             |
 * | `<f8`              | `float64`        | Float64Array   |                                             |
 * | `|i1`              | `int8`           | Int8Array      |                                             |
 * | `<i2`              | `int16`          | Int16Array     |                                             |
 * | `<i4`              | `int32`          | Int32Array     |                                             |
 * | `<i8`              | `int64`          | Float64Array   | error if a value is beyond ±(2^53 − 1)      |
 * | `|u1`              | `uint8`          | Uint8Array     |                                             |
 * | `<u2`              | `uint16`         | Uint16Array    |                                             |
 * | `<u4`              | `uint32`         | Uint32Array    |                                             |
 * | `|b1`              | `bool`           | Uint8Array     | 0 or 1                                      |
 *
 * Big-endian descrs (`>f4`, ...) are read and byte-swapped; `=` and `|` mean native (little) order.
 */
export type NpyDtype = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'bool';

/** The typed array that holds the data of an {@link NpyArray}. */
export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** @internal Element size, typed-array constructor and little-endian descr of each dtype. */
export interface DtypeInfo {
  readonly kind: 'f' | 'i' | 'u' | 'b';
  readonly size: number;
  readonly descr: string;
  readonly make: (n: number) => NpyData;
}

/** @internal */
export const DTYPES: Readonly<Record<NpyDtype, DtypeInfo>> = {
  float32: { kind: 'f', size: 4, descr: '<f4', make: (n) => new Float32Array(n) },
  float64: { kind: 'f', size: 8, descr: '<f8', make: (n) => new Float64Array(n) },
  int8: { kind: 'i', size: 1, descr: '|i1', make: (n) => new Int8Array(n) },
  int16: { kind: 'i', size: 2, descr: '<i2', make: (n) => new Int16Array(n) },
  int32: { kind: 'i', size: 4, descr: '<i4', make: (n) => new Int32Array(n) },
  int64: { kind: 'i', size: 8, descr: '<i8', make: (n) => new Float64Array(n) },
  uint8: { kind: 'u', size: 1, descr: '|u1', make: (n) => new Uint8Array(n) },
  uint16: { kind: 'u', size: 2, descr: '<u2', make: (n) => new Uint16Array(n) },
  uint32: { kind: 'u', size: 4, descr: '<u4', make: (n) => new Uint32Array(n) },
  bool: { kind: 'b', size: 1, descr: '|b1', make: (n) => new Uint8Array(n) },
};

/** @internal Parse a NumPy descr such as `<f4` into a dtype and byte order, or throw naming it. */
export function dtypeFromDescr(descr: string, where: string): { dtype: NpyDtype; littleEndian: boolean } {
  const m = /^([<>=|]?)([fiub])(\d+)$/.exec(descr);
  if (m) {
    const [, order, kind, sizeText] = m as unknown as [string, string, DtypeInfo['kind'], string];
    const size = Number(sizeText);
    for (const [name, info] of Object.entries(DTYPES) as [NpyDtype, DtypeInfo][]) {
      if (info.kind === kind && info.size === size) return { dtype: name, littleEndian: order !== '>' };
    }
  }
  throw new Error(
    `${where}: unsupported dtype '${descr}' (supported: ${Object.values(DTYPES)
      .map((d) => d.descr)
      .join(' ')}, in either byte order)`,
  );
}
