export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
  checkShape?: boolean;
}
declare module 'vitest' {
  interface Assertion<T = any> {
    toBeCloseTensor(expected: unknown, options?: CloseOptions): Promise<void>;
    toBeCloseTree(expected: unknown, options?: CloseOptions): Promise<void>;
  }
  interface AsymmetricMatchersContaining {
    toBeCloseTensor(expected: unknown, options?: CloseOptions): void;
    toBeCloseTree(expected: unknown, options?: CloseOptions): void;
  }
}
/** Fails when fn leaves tensors behind; tensors fn returns are disposed before counting. */
export declare function expectNoLeaks(fn: () => unknown): Promise<void>;
