import type { TreeLike } from './types.js';
import { flattenWithPaths, leavesMatching } from './flatten.js';
import { pathForError } from './path.js';

/**
 * Throws unless `a` and `b` have the same structure and every pair of leaves the same shape
 * (a number leaf has shape `[]`; dtypes are not compared). The error starts with `what` and names
 * the first path that differs and, for a shape mismatch, both shapes:
 * `update: shape mismatch at layers[1].w: [3, 4] vs [4, 3]`.
 */
export function assertSameShapes(a: TreeLike, b: TreeLike, what = 'assertSameShapes'): void {
  const { leaves, paths, treedef } = flattenWithPaths(a, what);
  const other = leavesMatching(treedef, b, what, 'the second tree');
  leaves.forEach((l, i) => {
    const sa = typeof l === 'number' ? [] : l.shape;
    const o = other[i]!;
    const sb = typeof o === 'number' ? [] : o.shape;
    if (sa.length !== sb.length || sa.some((d, j) => d !== sb[j])) {
      throw new Error(`${what}: shape mismatch at ${pathForError(paths[i]!)}: [${sa.join(', ')}] vs [${sb.join(', ')}]`);
    }
  });
}
