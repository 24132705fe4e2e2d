/** A JSON nested array of numbers or booleans. */
export type Nested<T> = T | Nested<T>[];

/** Nests row-major `values` of `shape` into arrays (`[a, b]` → `a` arrays of `b` values). */
export function nest<T>(values: ArrayLike<number>, shape: readonly number[], map: (v: number) => T): Nested<T>[] {
  const build = (offset: number, axis: number): Nested<T>[] => {
    const n = shape[axis] ?? 0;
    if (axis === shape.length - 1) return Array.from({ length: n }, (_, i) => map(values[offset + i] ?? NaN));
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(offset + i * stride, axis + 1));
  };
  return build(0, 0);
}
