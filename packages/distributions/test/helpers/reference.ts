import { loadReference, refNumber } from '@probdl/vitest-config/reference';

/** One distribution case of scipy-values/reference_values.json (fields as in its README). */
export type RefCase = Record<string, any>;

/** The reference file (undefined, with a printed reason, when ../shared is missing outside CI). */
export const reference = loadReference<any>('scipy-values/reference_values.json');

/** The cases of one family, or [] when the reference file is missing. */
export function casesOf(family: string, field = 'cases'): RefCase[] {
  return reference ? (reference.distributions[family][field] as RefCase[]) : [];
}

/** Reference numbers ("inf", "-inf", "nan" strings) as numbers; null stays null. */
export function nums(v: unknown[]): (number | null)[] {
  return v.map((e) => (e === null ? null : refNumber(e)));
}

/** Whether a float64 value is representable in float32 without overflow or underflow to zero. */
export function fitsFloat32(v: number): boolean {
  if (!Number.isFinite(v)) return true;
  const f = Math.fround(v);
  return Number.isFinite(f) && (v === 0 || f !== 0);
}

export { refNumber };
