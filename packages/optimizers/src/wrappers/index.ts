export { multiTransform } from './multi-transform.js';
export type { LabelTree, MultiTransformState } from './multi-transform.js';
export { injectHyperparams } from './inject-hyperparams.js';
export type { RawHyperparams, InjectHyperparamsState, InjectHyperparamsOptions } from './inject-hyperparams.js';
export { multiSteps } from './multi-steps.js';
export type { MultiStepsState } from './multi-steps.js';
export { applyIfFinite } from './apply-if-finite.js';
export type { ApplyIfFiniteState } from './apply-if-finite.js';
export { maximize, flipSign } from './maximize.js';
