export { sgd, adam, nadam, adamw, adamax, radam, rmsprop, adagrad, adadelta, adabelief, lamb, lion, noisySgd } from './aliases.js';
export type {
  Optimizer,
  SgdOptions,
  AdamOptions,
  AdamwOptions,
  RmspropOptions,
  AdadeltaOptions,
  LambOptions,
  LionOptions,
  NoisySgdOptions,
} from './aliases.js';
