/**
 * Host-side line searches along a direction d: the caller evaluates φ(α) = f(x + α d) and
 * φ'(α) = ∇f(x + α d)·d (on the device, reading back two numbers), and owns what each trial holds.
 * Internal: used by minimizeLbfgs.
 */

/** One evaluated point of the line. */
export interface LinePoint {
  alpha: number;
  value: number;
  slope: number;
}

export interface LineSearchSettings {
  /** Sufficient-decrease constant (Armijo). */
  c1: number;
  /** Curvature constant of the strong Wolfe condition. */
  c2: number;
  /** The most evaluations of φ. */
  maxSteps: number;
  /** First trial step. */
  initialStep: number;
  /** Largest step the bracketing phase tries. */
  maxStep: number;
  /**
   * Hager & Zhang's approximate sufficient decrease (as Optax's `approx_dec_rtol`): a step also
   * decreases enough if `φ(α) ≤ φ(0) + approxDecRtol·|φ(0)|` and `φ'(α) ≤ (1 − 2 c1)|φ'(0)|`.
   * It lets the search work where float32 cannot resolve `c1 α φ'(0)`. 0 turns it off.
   */
  approxDecRtol: number;
}

/** Sufficient decrease: Armijo, or Hager & Zhang's approximate form where φ is flat to working precision. */
function decreases(p: LinePoint, origin: LinePoint, s: LineSearchSettings): boolean {
  if (!Number.isFinite(p.value)) return false;
  if (p.value <= origin.value + s.c1 * p.alpha * origin.slope) return true;
  return (
    s.approxDecRtol > 0 &&
    p.value <= origin.value + s.approxDecRtol * Math.abs(origin.value) &&
    Number.isFinite(p.slope) &&
    p.slope <= (1 - 2 * s.c1) * Math.abs(origin.slope)
  );
}

export interface LineSearchResult<T> {
  /** The accepted trial (owned by the caller now), or undefined if no trial decreased φ enough. */
  point: T | undefined;
  /** Whether `point` satisfies the strong Wolfe conditions (zoom) or Armijo (backtracking). */
  ok: boolean;
  evaluations: number;
}

/** The minimiser of the cubic through two points with slopes (Nocedal & Wright eq. 3.59), safeguarded. */
function interpolate(a: LinePoint, b: LinePoint): number {
  const lo = Math.min(a.alpha, b.alpha);
  const hi = Math.max(a.alpha, b.alpha);
  const width = hi - lo;
  const mid = lo + width / 2;
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  if (!Number.isFinite(disc) || disc < 0) return mid;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
  const t = b.alpha - (b.alpha - a.alpha) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2));
  // Keep the trial away from the ends, so the bracket shrinks by a fixed fraction at worst.
  if (!Number.isFinite(t) || t < lo + 0.1 * width || t > hi - 0.1 * width) return mid;
  return t;
}

class Trials<T extends LinePoint> {
  readonly owned: T[] = [];
  constructor(
    private readonly evaluate: (alpha: number) => Promise<T>,
    private readonly release: (p: T) => void,
  ) {}
  async at(alpha: number): Promise<T> {
    const p = await this.evaluate(alpha);
    this.owned.push(p);
    return p;
  }
  /** Releases every trial but `keep`. */
  finish(keep: T | undefined, ok: boolean): LineSearchResult<T> {
    for (const p of this.owned) if (p !== keep) this.release(p);
    return { point: keep, ok, evaluations: this.owned.length };
  }
}

/**
 * Line search for a step satisfying the strong Wolfe conditions
 * `φ(α) ≤ φ(0) + c1 α φ'(0)` and `|φ'(α)| ≤ c2 |φ'(0)|`: bracketing by doubling, then zoom
 * (Nocedal & Wright, Alg. 3.5 and 3.6) with safeguarded cubic interpolation. A non-finite φ counts
 * as too large. Sufficient decrease may also be met in Hager & Zhang's approximate form (see
 * `approxDecRtol`). If the budget runs out, the lowest trial that satisfied sufficient decrease is
 * returned with `ok: false` (or none).
 */
export async function zoomLineSearch<T extends LinePoint>(
  evaluate: (alpha: number) => Promise<T>,
  release: (p: T) => void,
  origin: LinePoint,
  s: LineSearchSettings,
): Promise<LineSearchResult<T>> {
  const trials = new Trials(evaluate, release);
  const armijo = (p: LinePoint): boolean => decreases(p, origin, s);
  const curvature = (p: LinePoint): boolean => Number.isFinite(p.slope) && Math.abs(p.slope) <= -s.c2 * origin.slope;
  const asTrial = (p: LinePoint): T | undefined => (p === origin ? undefined : (p as T));

  const zoom = async (lo: LinePoint, hi: LinePoint): Promise<LineSearchResult<T>> => {
    while (trials.owned.length < s.maxSteps) {
      const width = Math.abs(hi.alpha - lo.alpha);
      if (width <= 1e-12 * Math.max(1, Math.abs(lo.alpha))) break;
      const usable = Number.isFinite(hi.value) && Number.isFinite(hi.slope);
      const alpha = usable ? interpolate(lo, hi) : (lo.alpha + hi.alpha) / 2;
      const cur = await trials.at(alpha);
      if (!armijo(cur) || cur.value >= lo.value) {
        hi = cur;
      } else {
        if (curvature(cur)) return trials.finish(cur, true);
        if (cur.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = cur;
      }
    }
    return trials.finish(asTrial(lo), false);
  };

  let prev: LinePoint = origin;
  let alpha = Math.min(s.initialStep, s.maxStep);
  for (let i = 0; trials.owned.length < s.maxSteps; i++) {
    const cur = await trials.at(alpha);
    if (!armijo(cur) || (i > 0 && cur.value >= prev.value)) return zoom(prev, cur);
    if (curvature(cur)) return trials.finish(cur, true);
    if (cur.slope >= 0) return zoom(cur, prev);
    prev = cur;
    if (alpha >= s.maxStep) break;
    alpha = Math.min(2 * alpha, s.maxStep);
  }
  return trials.finish(asTrial(prev), false);
}

/**
 * Backtracking (Armijo) line search: halves the step from `initialStep` until
 * `φ(α) ≤ φ(0) + c1 α φ'(0)` (or its approximate form, see `approxDecRtol`).
 */
export async function backtrackingLineSearch<T extends LinePoint>(
  evaluate: (alpha: number) => Promise<T>,
  release: (p: T) => void,
  origin: LinePoint,
  s: LineSearchSettings,
): Promise<LineSearchResult<T>> {
  const trials = new Trials(evaluate, release);
  let alpha = Math.min(s.initialStep, s.maxStep);
  let best: T | undefined;
  while (trials.owned.length < s.maxSteps) {
    const cur = await trials.at(alpha);
    if (decreases(cur, origin, s)) return trials.finish(cur, true);
    if (Number.isFinite(cur.value) && cur.value < origin.value && (best === undefined || cur.value < best.value)) best = cur;
    alpha /= 2;
  }
  return trials.finish(best, false);
}
