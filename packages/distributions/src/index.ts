/**
 * @probdl/distributions: distributions, bijectors, constraints and KL divergences over tfjs.
 *
 * @packageDocumentation
 */
export { Distribution, NotDefinedError } from './distribution.js';
export type { DistributionOptions } from './distribution.js';
export type { TensorInput, NumberArray } from './internal/params.js';
export type { Constraint } from './constraints/types.js';
export type { Bijector } from './bijectors/types.js';
export { Normal } from './families/normal.js';
export type { NormalParams } from './families/normal.js';
