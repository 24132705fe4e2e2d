export {
  constantSchedule,
  linearSchedule,
  polynomialSchedule,
  exponentialDecay,
  cosineDecaySchedule,
  warmupCosineDecaySchedule,
  piecewiseConstantSchedule,
  joinSchedules,
  twoPhaseSchedule,
  scheduleValues,
} from './schedules.js';
export type { ExponentialDecayOptions } from './schedules.js';
