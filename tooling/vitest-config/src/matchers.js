import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

const isTensor = (x) => x instanceof tf.Tensor;

/** Reads a tensor, number, typed array or nested array into { shape, values } (async: WebGPU). */
async function toHost(x) {
  if (isTensor(x)) return { shape: x.shape, values: Array.from(await x.data(), Number) };
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return { shape: [], values: [Number(x)] };
  if (ArrayBuffer.isView(x)) return { shape: [x.length], values: Array.from(x, Number) };
  if (Array.isArray(x)) {
    const shape = [];
    let level = x;
    while (Array.isArray(level)) { shape.push(level.length); level = level[0]; }
    return { shape, values: x.flat(Infinity).map(Number) };
  }
  throw new TypeError(`toBeCloseTensor: cannot read ${Object.prototype.toString.call(x)}`);
}

/** numpy.allclose semantics: |a - e| <= atol + rtol |e|; equal infinities match; NaN matches NaN. */
function compare(actual, expected, { rtol = 1e-5, atol = 1e-6, equalNan = true, checkShape = true } = {}) {
  if (checkShape && actual.shape.join(',') !== expected.shape.join(',')) {
    return { pass: false, message: `shape [${actual.shape}] != expected [${expected.shape}]` };
  }
  if (actual.values.length !== expected.values.length) {
    return { pass: false, message: `size ${actual.values.length} != expected ${expected.values.length}` };
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < actual.values.length; i++) {
    const a = actual.values[i];
    const e = expected.values[i];
    let ok;
    if (Number.isNaN(e) || Number.isNaN(a)) ok = equalNan && Number.isNaN(a) && Number.isNaN(e);
    else if (!Number.isFinite(e) || !Number.isFinite(a)) ok = a === e;
    else ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      bad++;
      const excess = Number.isFinite(a - e) ? Math.abs(a - e) / (atol + rtol * Math.abs(e)) : Infinity;
      if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
    }
  }
  if (bad === 0) return { pass: true, message: `all ${actual.values.length} values within rtol=${rtol}, atol=${atol}` };
  return {
    pass: false,
    message: `${bad} of ${actual.values.length} values differ (rtol=${rtol}, atol=${atol}); worst at flat index ${worst}: ` +
      `got ${actual.values[worst]}, expected ${expected.values[worst]}`,
  };
}

/**
 * Pairs the leaves of `received` (tensors, numbers, typed arrays) with whatever stands at the same
 * path of `expected`, so an expected leaf may be written as a tensor, a number or a nested array.
 */
function pairLeaves(received, expected, path, out) {
  const at = path || '<root>';
  if (isTensor(received) || typeof received === 'number' || ArrayBuffer.isView(received)) {
    out.push([at, received, expected]);
  } else if (received === null || received === undefined) {
    if (expected !== null && expected !== undefined) throw new Error(`tree structure differs at ${at}: received ${received}, expected a value`);
  } else if (Array.isArray(received)) {
    if (!Array.isArray(expected) || expected.length !== received.length) {
      throw new Error(`tree structure differs at ${at}: received a list of ${received.length}, expected ${describe(expected)}`);
    }
    received.forEach((r, i) => pairLeaves(r, expected[i], `${path}[${i}]`, out));
  } else if (typeof received === 'object') {
    const keys = Object.keys(received).sort();
    const expectedKeys = expected && typeof expected === 'object' && !Array.isArray(expected) ? Object.keys(expected).sort() : undefined;
    if (!expectedKeys || keys.join(',') !== expectedKeys.join(',')) {
      throw new Error(`tree structure differs at ${at}: received keys [${keys}], expected ${expectedKeys ? `keys [${expectedKeys}]` : describe(expected)}`);
    }
    for (const k of keys) pairLeaves(received[k], expected[k], path ? `${path}.${k}` : k, out);
  } else {
    throw new Error(`tree structure differs at ${at}: cannot compare a ${typeof received}`);
  }
  return out;
}

function describe(x) {
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (isTensor(x)) return `a tensor of shape [${x.shape}]`;
  return x === null ? 'null' : typeof x;
}

expect.extend({
  async toBeCloseTensor(received, expected, options) {
    const r = compare(await toHost(received), await toHost(expected), options);
    return { pass: r.pass, message: () => `expected tensor ${this.isNot ? 'not ' : ''}to be close: ${r.message}` };
  },
  async toBeCloseTree(received, expected, options) {
    let pairs;
    try {
      pairs = pairLeaves(received, expected, '', []);
    } catch (error) {
      return { pass: false, message: () => error.message };
    }
    for (const [path, r, e] of pairs) {
      const result = compare(await toHost(r), await toHost(e), options);
      if (!result.pass) return { pass: false, message: () => `leaf ${path}: ${result.message}` };
    }
    return { pass: true, message: () => `all ${pairs.length} leaves are close` };
  },
});

/**
 * Runs fn and fails when it leaves tensors behind: tf.memory().numTensors must come back to where
 * it started once the tensors fn returns are disposed.
 */
export async function expectNoLeaks(fn) {
  const before = tf.memory().numTensors;
  const result = await fn();
  disposeAll(result);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leak: ${after - before} tensor(s) left behind (before ${before}, after ${after})`);
}

function disposeAll(x) {
  if (isTensor(x)) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x && typeof x === 'object' && !ArrayBuffer.isView(x)) Object.values(x).forEach(disposeAll);
}
