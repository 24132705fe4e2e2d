// Conjugate Bayesian linear regression: exact posterior, predictive, evidence and its maximisation.
export { blrPosterior } from './blr-posterior.js';
export { BLR_HOST_MAX_DIM } from './placement.js';
export type {
  BlrOptions,
  BlrPlacement,
  BlrPosterior,
  BlrPredictOptions,
  BlrPredictive,
  BlrHostValues,
  DesignInput,
  VectorInput,
} from './types.js';
export { blrLogEvidence } from './log-evidence.js';
export type { BlrLogEvidenceOptions } from './log-evidence.js';
export { ridgeSolution } from './ridge.js';
export type { RidgeOptions } from './ridge.js';
export { maximizeEvidence } from './maximize-evidence.js';
export type { BasisDesign, EvidenceLearn, MaximizeEvidenceOptions, EvidenceHistory, EvidenceOptimum } from './evidence-types.js';
export { randomFourierFeatures } from './fourier-features.js';
export type { RandomFourierOptions } from './fourier-features.js';
