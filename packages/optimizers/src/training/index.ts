export { makeTrainStep } from './train-step.js';
export type { TrainStep, TrainStepOptions, TrainStepResult } from './train-step.js';
export { fit } from './fit.js';
export type { FitOptions, FitResult } from './fit.js';
