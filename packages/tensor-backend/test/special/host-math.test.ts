import { describe, expect, it } from 'vitest';
import { betainc64, digamma64, gammaincP64, lbeta64, lgamma64, polygamma64 } from './host-math.js';
import { inputsOf, ref, truth } from './helpers.js';

// The float64 host helpers provide gradient expectations (analytic or central differences) and condition
// numbers for the device tests; here they are checked against the 50-digit mpmath values, so those
// expectations rest on the reference, not on the code under test.
const sf = ref?.special_functions;
const finiteCases = (key: string, keep: (xs: number[]) => boolean) =>
  (sf?.[key]?.cases ?? []).filter((c) => Number.isFinite(truth(c)) && keep(inputsOf(c)));

describe.skipIf(sf === undefined)('float64 host helpers agree with mpmath', () => {
  const rel = (got: number, want: number): number => (want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want));

  it('lgamma64, digamma64, polygamma64(1) to 1e-12 relative (absolute near zeros)', () => {
    const within = (fn: (x: number) => number, key: string, keep: (x: number) => boolean) => {
      for (const c of finiteCases(key, ([x]) => keep(x as number))) {
        const [x] = inputsOf(c);
        const e = truth(c);
        expect(Math.abs(fn(x as number) - e), `${key}(${x})`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
      }
    };
    // |x| <= 1e15: the Lanczos/Stirling float64 forms (1e300 is outside what the device tests use anyway)
    within(lgamma64, 'lgamma', (x) => Math.abs(x) <= 1e15 && Math.abs(x) >= 1e-30);
    within(digamma64, 'digamma', () => true);
    within((x) => polygamma64(1, x), 'trigamma', () => true);
  });

  it('lbeta64 to 1e-12 relative where the lgamma sum does not cancel catastrophically', () => {
    for (const c of finiteCases('betaln', ([a, b]) => Math.max(a as number, b as number) < 1e4)) {
      const [a, b] = inputsOf(c);
      expect(rel(lbeta64(a as number, b as number), truth(c)), `betaln(${a}, ${b})`).toBeLessThan(1e-12);
    }
  });

  // (betainc64 forms a small I as 1 - I_{1-x}(b, a) after the swap: 3e-10 at (1000, 0.01, 0.999); ample for float32 work.)
  it('gammaincP64 to 1e-11 and betainc64 to 1e-9 relative', () => {
    for (const c of finiteCases('gammainc_P', () => true)) {
      const [a, x] = inputsOf(c);
      expect(rel(gammaincP64(a as number, x as number), truth(c)), `P(${a}, ${x})`).toBeLessThan(1e-11);
    }
    for (const c of finiteCases('betainc_I', () => true)) {
      const [a, b, x] = inputsOf(c);
      expect(rel(betainc64(a as number, b as number, x as number), truth(c)), `I(${a}, ${b}, ${x})`).toBeLessThan(1e-9);
    }
  });
});
