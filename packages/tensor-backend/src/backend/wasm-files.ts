/** The binaries of @tensorflow/tfjs-backend-wasm (plain, SIMD, threaded SIMD); tfjs picks one. */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
