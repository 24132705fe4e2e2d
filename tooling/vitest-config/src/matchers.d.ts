export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
  checkShape?: boolean;
}
interface TensorMatchers<R = unknown> {
  /** numpy.allclose of a tensor (or number / nested array) against the expected values; async. */
  toBeCloseTensor(expected: unknown, options?: CloseOptions): Promise<R>;
  /** Leaf-by-leaf toBeCloseTensor of two trees with the same structure; async. */
  toBeCloseTree(expected: unknown, options?: CloseOptions): Promise<R>;
}
declare module 'vitest' {
  // vitest 3.2+: custom matchers augment `Matchers`, which `Assertion` extends.
  interface Matchers<T = any> extends TensorMatchers<T> {}
}
/** Fails when fn leaves tensors behind; tensors fn returns are disposed before counting. */
export declare function expectNoLeaks(fn: () => unknown): Promise<void>;
