/** Warmup adaptation: dual averaging, Welford estimators, Stan's windowed adaptation, ChEES. */
export { dualAveraging } from './dual-averaging.js';
export type { DualAveraging, DualAveragingOptions, DualAveragingState } from './dual-averaging.js';
export { findReasonableStepSize } from './find-reasonable-step-size.js';
export type { FindReasonableStepSizeOptions } from './find-reasonable-step-size.js';
export { welfordInit, welfordUpdate, welfordCovariance } from './welford.js';
export type { WelfordKind, WelfordState } from './welford.js';
export { buildWindowSchedule } from './window-schedule.js';
export type { AdaptationWindow, WindowScheduleOptions } from './window-schedule.js';
export { windowAdaptation } from './window-adaptation.js';
export type { WindowAdaptation, WindowAdaptationOptions, WindowAdaptationParams, WindowAdaptationState } from './window-adaptation.js';
export { haltonSequence, jitteredIntegrationSteps } from './halton.js';
export { cheesAdaptation } from './chees-adaptation.js';
export type { CheesAdaptation, CheesAdaptationOptions, CheesAdaptationState, CheesParams, CheesKernelInfo } from './chees-adaptation.js';
