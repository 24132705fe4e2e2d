export { traceKernels } from './kernel-trace.js';
export type { KernelTrace, TraceKernelsOptions } from './kernel-trace.js';
export type { HostValues } from './record.js';
