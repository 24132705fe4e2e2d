/**
 * @probdl/tensor-backend: the one tfjs-core engine that every probdl package shares.
 *
 * - Backends: {@link initBackend} starts WebGPU, wasm or cpu and says why the others did not.
 * - Randomness: JAX-compatible PRNG keys ({@link key}, {@link split}, {@link foldIn}) and the
 *   samplers of the {@link random} namespace.
 * - Pytrees: the {@link tree} namespace (`tree.map`, `tree.ravel`, ...).
 * - Autodiff over trees: {@link valueAndGrad}, {@link grad}, {@link jacobian}, {@link hessian}.
 * - Linear algebra with gradients on the device, and float64 versions on the host.
 * - Special functions with gradients, stable in float32.
 *
 * @packageDocumentation
 */

// Backends and readback
export { initBackend, registerGradients, currentBackend } from './backend/init-backend.js';
export type { InitBackendOptions } from './backend/init-backend.js';
export type { BackendName, BackendReport, BackendAttempt, AdapterDescription } from './backend/types.js';
export { probeWebGpu, formatAdapter } from './backend/webgpu-node.js';
export type { NodeWebGpuOptions } from './backend/webgpu-node.js';
export { toScalar, toFloat64Array, toNested } from './backend/readback.js';
export { registerHostKernel, hasKernel, HOST_KERNEL_BACKENDS } from './backend/host-kernels.js';
export type { HostKernel, HostArray } from './backend/host-kernels.js';
export { registerWasmHeapKernel } from './backend/wasm-heap-kernels.js';
export { traceKernels } from './trace/index.js';
export type { KernelTrace, TraceKernelsOptions, HostValues } from './trace/index.js';
export type { WasmHeapKernel } from './backend/wasm-heap-kernels.js';

// PRNG keys (also inside `random`, with every sampler)
export { key, split, foldIn, keyData, keyFromData } from './prng/index.js';
export type { PRNGKey, KeyOptions } from './prng/index.js';
export * as random from './prng/index.js';

// Pytrees: tree.map, tree.flatten, tree.ravel, ...
export * as tree from './tree/index.js';
export type { Tree, TreeDef, Leaf } from './tree/index.js';

// Autodiff over trees
export { valueAndGrad, grad, jacobian, hessian } from './autodiff/index.js';
export type { GradOptions, Objective, JacobianOf } from './autodiff/index.js';

// Linear algebra: device (float32, batched, with gradients) and host (float64)
export {
  cholesky,
  choleskyChecked,
  triangularSolve,
  choleskySolve,
  choleskyInverse,
  logDetFromCholesky,
  inverse,
  matrixF64,
  fromRowsF64,
  toRowsF64,
  identityF64,
  transposeF64,
  matmulF64,
  choleskyF64,
  choleskySolveF64,
  choleskyInverseF64,
  logDetFromCholeskyF64,
  triangularSolveF64,
  inverseF64,
} from './linalg/index.js';
export type { TriangularSolveOptions, MatrixF64, TriangularSolveF64Options } from './linalg/index.js';

// Special functions: elementwise, broadcasting, with gradients, stable in float32
export {
  log1p,
  expm1,
  softplus,
  logSigmoid,
  sigmoid,
  logit,
  lgamma,
  digamma,
  trigamma,
  polygamma,
  erf,
  erfc,
  erfinv,
  ndtr,
  ndtri,
  logNdtr,
  igamma,
  igammac,
  betaln,
  betainc,
  xlogy,
  xlog1py,
  logSumExp,
  logSumExpSigned,
  logSoftmax,
  softmax,
} from './special/index.js';
export type { LogSumExpOptions, SignedLogSumExp, SpecialInput } from './special/index.js';
