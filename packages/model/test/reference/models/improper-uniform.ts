// The flat prior now lives in @probdl/distributions.
export { ImproperUniform } from '@probdl/distributions';
