import { describe, expect, it } from 'vitest';
import { betaI, gammaP, ksDistance, lgamma, poissonCdfTable } from './stats.js';

// The float64 reference CDFs used by the distribution tests, checked against closed forms.
describe('test statistics helpers', () => {
  it('lgamma matches log factorials and Γ(1/2) = √π', () => {
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(0.01)).toBeCloseTo(4.599479878042021, 11);
  });

  it('gammaP: exponential and Erlang closed forms, both branches', () => {
    for (const x of [0.01, 0.5, 1.9, 3, 30]) {
      expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
      expect(gammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 12);
    }
    // chi-square with 1 degree of freedom: P(1/2, x/2) = erf(sqrt(x/2)); erf(1) = 0.8427007929497149.
    expect(gammaP(0.5, 1)).toBeCloseTo(0.8427007929497149, 12);
    // Large shape: the median of Gamma(1000) is about 1000 - 1/3.
    expect(gammaP(1000, 1000 - 1 / 3)).toBeCloseTo(0.5, 3);
  });

  it('betaI: uniform, power and Beta(2, 2) closed forms', () => {
    for (const x of [0.001, 0.2, 0.5, 0.9, 0.999]) {
      expect(betaI(1, 1, x)).toBeCloseTo(x, 12);
      expect(betaI(0.3, 1, x)).toBeCloseTo(x ** 0.3, 12);
      expect(betaI(1, 0.3, x)).toBeCloseTo(1 - (1 - x) ** 0.3, 12);
      expect(betaI(2, 2, x)).toBeCloseTo(3 * x * x - 2 * x ** 3, 12);
    }
    expect(betaI(1000, 1000, 0.5)).toBeCloseTo(0.5, 10);
  });

  it('poissonCdfTable and ksDistance', () => {
    const t = poissonCdfTable(1, 3);
    expect(t[0]).toBeCloseTo(Math.exp(-1), 14);
    expect(t[3]).toBeCloseTo(Math.exp(-1) * (1 + 1 + 0.5 + 1 / 6), 14);
    // Evenly spread points against the uniform CDF: D = 1/n.
    const n = 100;
    expect(ksDistance(Array.from({ length: n }, (_, i) => (i + 0.5) / n), (x) => x)).toBeCloseTo(0.5 / n, 12);
  });
});
