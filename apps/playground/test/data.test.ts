import { describe, expect, it } from 'vitest';
import { addPoint, defaultPoints, grid, removeNearest, standardize, X_DOMAIN } from '../src/data.js';

describe('data', () => {
  it('gives the same default set every time, inside the domain, with a gap around 0', () => {
    const a = defaultPoints();
    expect(a).toEqual(defaultPoints());
    expect(a).toHaveLength(24);
    for (const p of a) {
      expect(p.x).toBeGreaterThanOrEqual(X_DOMAIN[0]);
      expect(p.x).toBeLessThanOrEqual(X_DOMAIN[1]);
      expect(Math.abs(p.x)).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('adds clicked points inside the domain only, and removes the nearest', () => {
    const one = addPoint([], { x: 1.23456, y: -2 });
    expect(one).toEqual([{ x: 1.235, y: -2 }]);
    expect(addPoint(one, { x: 99, y: 0 })).toEqual(one);
    expect(addPoint(one, { x: Number.NaN, y: 0 })).toEqual(one);
    const two = addPoint(one, { x: -3, y: 3 });
    expect(removeNearest(two, { x: -2.8, y: 2.5 })).toEqual(one);
    expect(removeNearest([], { x: 0, y: 0 })).toEqual([]);
  });

  it('standardises to mean 0, sd 1 and keeps the scaling to undo it', () => {
    const pts = [
      { x: 1, y: 10 },
      { x: 3, y: 14 },
    ];
    const { x, y, scaling } = standardize(pts);
    expect(Array.from(x)).toEqual([-1, 1]);
    expect(Array.from(y)).toEqual([-1, 1]);
    expect(scaling).toEqual({ xMean: 2, xStd: 1, yMean: 12, yStd: 2 });
    // Points on one vertical line: no spread in x, scale 1, nothing divides by zero.
    expect(standardize([{ x: 2, y: 0 }, { x: 2, y: 1 }]).scaling.xStd).toBe(1);
    expect(() => standardize([{ x: 0, y: 0 }])).toThrow(/at least 2 points/);
  });

  it('spans the domain with an even grid', () => {
    const g = grid(5);
    expect(g).toEqual([-5, -2.5, 0, 2.5, 5]);
    expect(() => grid(1)).toThrow();
  });
});
