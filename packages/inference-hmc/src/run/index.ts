export { sample, SampleAbortError } from './sample.js';
export { serveSampling } from './serve-sampling.js';
export type { ServeSamplingOptions } from './serve-sampling.js';
export type { McmcResult } from './result.js';
export type {
  SampleOptions,
  SampleTarget,
  ModelTarget,
  LogDensityTarget,
  ModuleTarget,
  KernelName,
  Progress,
  Checkpoint,
  GroupCheckpoint,
  HostParams,
  SerializableOptions,
  SamplingWorker,
} from './types.js';
