export type { Leaf, Tree, TreeLike, PathKey, LeafPath, LeafOf, WithLeaves } from './types.js';
export type { TreeDef } from './treedef.js';
export { flatten, unflatten, leaves, structure } from './flatten.js';
export { map, mapWithPath } from './map.js';
export { zerosLike, onesLike, clone, size, dispose } from './like.js';
export { ravel, ravelBatched } from './ravel.js';
export type { Ravelled } from './ravel.js';
export { assertSameShapes } from './assert.js';
