export { sample, SampleAbortError } from './sample.js';
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
} from './types.js';
