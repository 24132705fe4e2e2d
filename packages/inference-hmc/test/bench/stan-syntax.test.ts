import { describe, expect, it } from 'vitest';
import { stanSyntaxFor } from '../../bench/support/stan.js';

// The benchmark's Stan comparison runs whatever rstan Debian ships (2.21 on bookworm), which reads
// the pre-2.26 array syntax; the programs are written in the current one.
describe('stanSyntaxFor', () => {
  const code = 'data { int<lower=0> N; array[N] int<lower=0, upper=1> y; array[J] real<lower=0> sigma; array[T] real y2; vector[N] x; }';

  it('rewrites array declarations for Stan before 2.26', () => {
    expect(stanSyntaxFor(code, [2, 21])).toBe('data { int<lower=0> N; int<lower=0, upper=1> y[N]; real<lower=0> sigma[J]; real y2[T]; vector[N] x; }');
  });

  it('leaves programs alone for Stan 2.26 and later', () => {
    expect(stanSyntaxFor(code, [2, 26])).toBe(code);
    expect(stanSyntaxFor(code, [2, 32])).toBe(code);
  });
});
