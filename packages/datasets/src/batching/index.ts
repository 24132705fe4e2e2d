export { minibatches, minibatchesAsync } from './minibatches.js';
export type { MinibatchOptions, AsyncMinibatchOptions, Minibatch } from './minibatches.js';
export { minibatchesFromChunks } from './chunks.js';
export type { ChunkBatchOptions, ChunkBatch } from './chunks.js';
