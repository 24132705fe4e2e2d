import type * as tf from '@tensorflow/tfjs-core';
import { convertParam, type ConvertedParam, type TensorInput } from './params.js';
import type { PendingCheck } from './validation.js';

/**
 * The parameter bookkeeping that distributions and bijectors share: the tensors the object
 * created (uploaded host parameters, derived factors), freed by `dispose`, and the checks that
 * wait for an asynchronous readback (tensor parameters on WebGPU), run by `validate`.
 */
export class ParamStore {
  private readonly ownedTensors: tf.Tensor[] = [];
  private readonly pendingChecks: PendingCheck[] = [];

  /** Converts a parameter to float32 (`convertParam`), recording a tensor it uploads or casts as owned. */
  convert(family: string, arg: string, value: TensorInput | undefined): ConvertedParam {
    const p = convertParam(family, arg, value);
    if (p.owned) this.ownedTensors.push(p.tensor);
    return p;
  }

  /** Records a tensor to free on dispose. */
  own<T extends tf.Tensor>(t: T): T {
    this.ownedTensors.push(t);
    return t;
  }

  /**
   * Runs `check` on `values` now, or defers it to {@link validate} when the values cannot be read
   * without waiting (`values` undefined). On failure calls `fail` (the owner's dispose) and throws
   * the RangeError naming the argument.
   */
  check(family: string, arg: string, tensor: tf.Tensor, values: Float64Array | undefined, check: PendingCheck['check'], fail: () => void): void {
    if (values === undefined) {
      this.pendingChecks.push({ arg, tensor, check });
      return;
    }
    const msg = check(values, tensor.shape);
    if (msg) {
      fail();
      throw new RangeError(`${family}: argument '${arg}' ${msg}`);
    }
  }

  /** Runs the deferred checks with one asynchronous readback each; rejects with the construction error. */
  async validate(family: string): Promise<void> {
    while (this.pendingChecks.length > 0) {
      const c = this.pendingChecks.shift()!;
      const values = Float64Array.from((await c.tensor.data()) as Float32Array);
      const msg = c.check(values, c.tensor.shape);
      if (msg) throw new RangeError(`${family}: argument '${c.arg}' ${msg}`);
    }
  }

  /** Frees the owned tensors (those not already disposed). */
  dispose(): void {
    for (const t of this.ownedTensors) if (!t.isDisposed) t.dispose();
    this.ownedTensors.length = 0;
  }
}
