export { valueAndGrad, grad } from './value-and-grad.js';
export type { GradOptions, Objective } from './value-and-grad.js';
export { jacobian } from './jacobian.js';
export type { JacobianOf } from './jacobian.js';
export { hessian } from './hessian.js';
