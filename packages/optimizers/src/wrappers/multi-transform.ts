import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from '../types.js';
import { tidyPair } from './internal.js';

/**
 * Labels of a parameter tree: a tree of strings shaped like the parameters, where a string may also
 * stand for a whole subtree (`{ mean: 'adam', scale: 'sgd' }` labels every leaf under `mean` and `scale`).
 */
export type LabelTree = string | readonly LabelTree[] | { readonly [key: string]: LabelTree | undefined };

/** State of {@link multiTransform}: the state of each labelled transformation. */
export interface MultiTransformState {
  [key: string]: Tree;
  innerStates: { [label: string]: OptState };
}

type PathKey = string | number;

function formatPath(keys: readonly PathKey[]): string {
  if (keys.length === 0) return '<root>';
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function leafPaths(t: Tree): PathKey[][] {
  const paths: PathKey[][] = [];
  tree.mapWithPath((p) => {
    paths.push([...p.keys]);
    return 0;
  }, t as never);
  return paths;
}

/** The label of the leaf at `keys`, from a label tree that may be a prefix of the parameter tree. */
function labelAt(labels: LabelTree, keys: readonly PathKey[], known: ReadonlySet<string>): string {
  let node: unknown = labels;
  for (const k of keys) {
    if (typeof node === 'string') break;
    if (node === null || typeof node !== 'object') {
      node = undefined;
      break;
    }
    node = (node as Record<PathKey, unknown>)[k];
  }
  if (typeof node !== 'string') {
    throw new Error(`multiTransform: the parameter at ${formatPath(keys)} has no label (found ${node === undefined ? 'nothing' : typeof node} in the label tree)`);
  }
  if (!known.has(node)) {
    throw new Error(`multiTransform: the parameter at ${formatPath(keys)} has label '${node}', which names no transformation (known: ${[...known].join(', ')})`);
  }
  return node;
}

/**
 * Applies a different transformation to each labelled part of the parameters
 * (`optax.multi_transform` / `optax.partition`), e.g. one learning rate for variational means and
 * another for scales:
 *
 * ```ts
 * const tx = multiTransform({ means: adam(1e-2), scales: adam(1e-3) }, { loc: 'means', logScale: 'scales' });
 * ```
 *
 * `labels` is a tree of strings shaped like the parameters (a string may label a whole subtree),
 * or a function of the parameters (of the updates, in `update`) returning one. Each transformation
 * sees the full tree with the leaves of other labels replaced by `null` (empty subtrees, Optax's
 * `MaskedNode`). A leaf with no label, or with a label that names no transformation, is an error
 * naming its path.
 */
export function multiTransform(
  transforms: Readonly<Record<string, GradientTransformation>>,
  labels: LabelTree | ((params: Tree) => LabelTree),
): GradientTransformation<MultiTransformState> {
  if (transforms === null || typeof transforms !== 'object') throw new Error('multiTransform: transforms must be an object of GradientTransformations');
  const names = Object.keys(transforms).sort();
  for (const n of names) {
    const t = transforms[n];
    if (t === null || typeof t !== 'object' || typeof t.init !== 'function' || typeof t.update !== 'function') {
      throw new Error(`multiTransform: transforms.${n} is not a GradientTransformation`);
    }
  }
  const known = new Set(names);

  /** For each leaf (in tree order), its label. */
  const labelLeaves = (t: Tree): { leafLabels: string[] } => {
    const l = typeof labels === 'function' ? labels(t) : labels;
    return { leafLabels: leafPaths(t).map((keys) => labelAt(l, keys, known)) };
  };

  /** `t` with the leaves of other labels replaced by null. */
  const masked = (t: Tree, leafLabels: readonly string[], label: string): Tree => {
    const { leaves, treedef } = tree.flatten(t as never);
    return tree.unflatten(
      treedef,
      leaves.map((x, i) => (leafLabels[i] === label ? x : null)),
    ) as Tree;
  };

  return {
    init(params) {
      const { leafLabels } = labelLeaves(params);
      const innerStates: Record<string, OptState> = {};
      for (const n of names) innerStates[n] = transforms[n]!.init(masked(params, leafLabels, n));
      return { innerStates };
    },
    update(updates, state, params) {
      const inner = state?.innerStates as Record<string, OptState> | undefined;
      if (inner === undefined || inner === null || typeof inner !== 'object') throw new Error('multiTransform: state has no innerStates; make it with init');
      for (const n of names) if (!(n in inner)) throw new Error(`multiTransform: state.innerStates has no entry for '${n}'`);
      const { leafLabels } = labelLeaves(updates);
      const { leaves, treedef } = tree.flatten(updates as never);
      if (params !== undefined) tree.assertSameShapes(params as never, updates as never, 'multiTransform');
      return tidyPair(() => {
        const out: unknown[] = new Array<unknown>(leaves.length).fill(undefined);
        const innerStates: Record<string, OptState> = {};
        for (const n of names) {
          const [u, s] = transforms[n]!.update(
            masked(updates, leafLabels, n),
            inner[n] as OptState,
            params === undefined ? undefined : masked(params, leafLabels, n),
          );
          innerStates[n] = s;
          const got = tree.leaves(u as never);
          const idx = leafLabels.flatMap((l, i) => (l === n ? [i] : []));
          if (got.length !== idx.length) {
            throw new Error(`multiTransform: transforms.${n} returned ${got.length} update leaves for ${idx.length} labelled parameters`);
          }
          idx.forEach((i, j) => {
            out[i] = got[j];
          });
        }
        // Number leaves pass through as numbers; tensors are fresh from the inner updates.
        return [tree.unflatten(treedef, out as never[]) as Tree, { innerStates }];
      });
    },
  };
}

