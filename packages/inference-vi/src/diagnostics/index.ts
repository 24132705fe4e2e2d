// Quality of a posterior approximation: PSIS k-hat for a fitted guide, and calibration metrics.
export { psisKhat, psisKhatOf, fitGeneralizedPareto } from './psis.js';
export type { PsisResult } from './psis.js';
export { guideKhat } from './guide-khat.js';
export type { GuideKhatOptions, GuideKhatResult } from './guide-khat.js';
export { gaussianNll, intervalCoverage, predictiveIntervalCoverage } from './regression-metrics.js';
export type { CoverageResult, PredictiveSummary } from './regression-metrics.js';
export { classificationNll, brierScore, expectedCalibrationError } from './classification-metrics.js';
export type { ProbsInput, EceOptions, EceResult, ReliabilityBin } from './classification-metrics.js';
export type { VectorLike, MatrixLike } from './internal/inputs.js';
