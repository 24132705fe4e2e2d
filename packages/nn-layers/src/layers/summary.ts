import * as tf from '@tensorflow/tfjs-core';
import { key as makeKey, tree, type Tree } from '@probdl/tensor-backend';
import type { Module } from '../core/module.js';
import { containerWiring, type TreeRecord } from './container.js';

/** The number of scalars in a params tree (every tensor's size; a number leaf counts 1). */
export function countParams(params: Tree | object): number {
  return tree.size(params);
}

/** One row of {@link summaryRows}: a module and, below it, its children (depth-first). */
export interface SummaryRow {
  /** Where the module's params live: `''` for the root, `Dense_0`, `Residual_0/Dense_1`, ... */
  readonly path: string;
  /** The last part of the path (the root's kind for the root). */
  readonly name: string;
  /** The module's kind ('Dense', 'MLP', ...). */
  readonly kind: string;
  /** 0 for the root, 1 for its children, ... */
  readonly depth: number;
  /** The shape of one output example (no batch axis); undefined when it cannot be worked out. */
  readonly outputShape: readonly number[] | undefined;
  /** Scalars in the module's params, its children's included. */
  readonly paramCount: number;
}

/** Options of {@link summary} and {@link summaryRows}. */
export interface SummaryOptions {
  /** Count these params instead of initialising the module (with a fixed key, then disposed). */
  readonly params?: Tree;
}

const sameShape = (a: readonly number[] | undefined, b: readonly number[]): boolean => a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

function tryShape(m: Module, inputShape: readonly number[] | undefined): number[] | undefined {
  if (inputShape === undefined) return undefined;
  try {
    return m.outputShape(inputShape);
  } catch {
    return undefined;
  }
}

/** The input shape of each child: chained (Sequential), all the container's input (Residual), or inferred. */
function childInputShapes(m: Module, inputShape: readonly number[] | undefined): (readonly number[] | undefined)[] {
  const children = m.children ?? [];
  const chained: (readonly number[] | undefined)[] = [];
  let s: readonly number[] | undefined = inputShape;
  for (const c of children) {
    chained.push(s);
    s = tryShape(c.module, s);
  }
  const parallel = children.map(() => inputShape);
  const wiring = containerWiring.get(m);
  if (wiring === 'chain') return chained;
  if (wiring === 'parallel') return parallel;
  // Unregistered container: a chain if the shapes chain through to the container's output.
  const out = tryShape(m, inputShape);
  return out !== undefined && sameShape(s, out) ? chained : parallel;
}

function subtree(params: Tree | undefined, name: string): Tree | undefined {
  if (params === null || params === undefined || typeof params !== 'object' || Array.isArray(params) || params instanceof tf.Tensor) return undefined;
  return (params as TreeRecord)[name];
}

function collectRows(m: Module, inputShape: readonly number[] | undefined, params: Tree | undefined, path: string, name: string, depth: number, rows: SummaryRow[]): void {
  rows.push({ path, name, kind: m.kind, depth, outputShape: tryShape(m, inputShape), paramCount: params === undefined ? 0 : countParams(params) });
  const children = m.children ?? [];
  const inputs = childInputShapes(m, inputShape);
  children.forEach((c, i) => {
    collectRows(c.module, inputs[i], subtree(params, c.name), path === '' ? c.name : `${path}/${c.name}`, c.name, depth + 1, rows);
  });
}

/**
 * The rows of {@link summary}: the module, then each child (recursively, depth-first) with its
 * params path, kind, output shape for one example of `inputShape`, and parameter count. Without
 * `options.params` the module is initialised with a fixed key and the params are disposed.
 */
export function summaryRows(module: Module, inputShape: readonly number[], options: SummaryOptions = {}): SummaryRow[] {
  if (module === null || typeof module !== 'object' || typeof module.init !== 'function') {
    throw new TypeError(`summaryRows: module must be a Module, got ${module === null ? 'null' : typeof module}`);
  }
  if (!Array.isArray(inputShape)) throw new TypeError(`summaryRows: inputShape must be the shape of one example (an array), got ${typeof inputShape}`);
  const rows: SummaryRow[] = [];
  if (options.params !== undefined) {
    collectRows(module, inputShape, options.params, '', module.kind, 0, rows);
    return rows;
  }
  tf.tidy(() => {
    const params = module.init(makeKey(0), inputShape);
    collectRows(module, inputShape, params, '', module.kind, 0, rows);
    tree.dispose(params);
  });
  return rows;
}

const fmtCount = (n: number): string => n.toLocaleString('en-US');
const fmtOut = (s: readonly number[] | undefined): string => (s === undefined ? '?' : `[..., ${s.join(', ')}]`.replace('..., ]', '...]'));

/**
 * A readable table of a module for examples of shape `inputShape`: one line per module (children
 * indented under their container) with the params path, kind, output shape (`...` for any leading
 * batch dimensions) and parameter count, then the total. E.g. for `mlp([10, 10, 1])` on `[1]`:
 * ```
 * Layer        Kind   Output shape  Params
 * MLP          MLP    [..., 1]         141
 *   Dense_0    Dense  [..., 10]         20
 *   ...
 * Total: 141 parameters (564 B as float32)
 * ```
 * A stateful module (BatchNorm inside) gets a last line with the size of its state.
 */
export function summary(module: Module, inputShape: readonly number[], options: SummaryOptions = {}): string {
  const rows = summaryRows(module, inputShape, options);
  const table = [
    ['Layer', 'Kind', 'Output shape', 'Params'],
    ...rows.map((r) => [`${'  '.repeat(r.depth)}${r.depth === 0 ? r.name : r.path}`, r.kind, fmtOut(r.outputShape), fmtCount(r.paramCount)]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => [row[0]!.padEnd(widths[0]!), row[1]!.padEnd(widths[1]!), row[2]!.padEnd(widths[2]!), row[3]!.padStart(widths[3]!)].join('  ').trimEnd());
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)));
  const total = rows[0]!.paramCount;
  const footer = [`Total: ${fmtCount(total)} parameters (${fmtCount(total * 4)} B as float32)`];
  if (typeof module.initState === 'function') {
    // BatchNorm's running statistics and the like: carried along, not trained.
    let stateCount = 0;
    tf.tidy(() => {
      stateCount = countParams(module.initState!(inputShape));
    });
    footer.push(`State: ${fmtCount(stateCount)} values (not trained)`);
  }
  return [lines[0]!, rule, ...lines.slice(1), rule, ...footer].join('\n');
}
