/** Checks that `shape` is an array of non-negative integers; returns a copy and its element count. */
export function checkInitShape(where: string, shape: unknown): { shape: number[]; size: number } {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(`${where}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  const s = (shape as number[]).slice();
  return { shape: s, size: s.reduce((a, b) => a * b, 1) };
}

/** A short description of a bad argument for an error message. */
export function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map((v) => (typeof v === 'number' ? String(v) : typeof v)).join(', ')}]`;
  if (typeof x === 'string') return JSON.stringify(x);
  return String(x);
}

/** Requires a finite number (optionally > 0) for a factory argument. */
export function checkNumber(where: string, name: string, x: unknown, positive = false): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || (positive && !(x > 0))) {
    throw new RangeError(`${where}: ${name} must be a finite${positive ? ' positive' : ''} number, got ${describe(x)}`);
  }
  return x;
}
