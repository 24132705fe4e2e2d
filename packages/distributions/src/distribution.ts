import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from './constraints/types.js';
import { ParamStore } from './internal/param-store.js';
import { normalizeSampleShape, toValue, type ConvertedParam, type TensorInput } from './internal/params.js';
import { syncValues, type PendingCheck } from './internal/validation.js';

/** Options every distribution takes. */
export interface DistributionOptions {
  /**
   * Check parameters on construction (default true): a clear error naming the argument instead of
   * NaN later. Host numbers are checked at once; tensor parameters are read back synchronously on
   * cpu and wasm, and on WebGPU (asynchronous readback only) by `await dist.validate()`. Turn it
   * off in hot loops.
   */
  readonly validateArgs?: boolean;
}

/** What a method that a family does not define throws. */
export class NotDefinedError extends Error {
  constructor(family: string, method: string, why = 'not defined for this family') {
    super(`${family}.${method}: ${why}`);
    this.name = 'NotDefinedError';
  }
}

/**
 * The distribution interface (DESIGN.md): immutable, with `batchShape` and `eventShape`; every
 * method returns a fresh tensor that the caller owns and never disposes its inputs. Shapes follow
 * `sampleShape + batchShape + eventShape`; parameters broadcast against each other and against x.
 *
 * A distribution holds its parameter tensors: tensors passed in are referenced (the caller still
 * owns them and gradients flow through), host numbers are uploaded and freed by {@link dispose}.
 * Built inside a `tf.tidy`, its tensors belong to that scope like any other tensor.
 */
export abstract class Distribution {
  /** The family's name, used in error messages. */
  abstract readonly name: string;
  abstract readonly batchShape: readonly number[];
  abstract readonly eventShape: readonly number[];
  /** Whether `sample` is a differentiable function of the parameters (the reparameterisation trick). */
  abstract readonly reparameterized: boolean;
  /** Where samples live; `logProb` is -Infinity outside it wherever the check is possible. */
  abstract get support(): Constraint;
  readonly validateArgs: boolean;

  private readonly paramStore = new ParamStore();

  protected constructor(options: DistributionOptions = {}) {
    this.validateArgs = options.validateArgs ?? true;
  }

  /** Draws `sampleShape + batchShape + eventShape` values from `key`. */
  abstract sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor;

  /** Log density (or mass) of x, shape `broadcast(x.shape without eventShape, batchShape)`. */
  abstract logProb(x: TensorInput): tf.Tensor;

  prob(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logProb(x)));
  }
  mean(): tf.Tensor {
    throw new NotDefinedError(this.name, 'mean');
  }
  variance(): tf.Tensor {
    throw new NotDefinedError(this.name, 'variance');
  }
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance()));
  }
  mode(): tf.Tensor {
    throw new NotDefinedError(this.name, 'mode');
  }
  entropy(): tf.Tensor {
    throw new NotDefinedError(this.name, 'entropy');
  }
  cdf(_x: TensorInput): tf.Tensor {
    throw new NotDefinedError(this.name, 'cdf');
  }
  logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.cdf(x)));
  }
  survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.sub(1, this.cdf(x)));
  }
  logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.survival(x)));
  }
  icdf(_p: TensorInput): tf.Tensor {
    throw new NotDefinedError(this.name, 'icdf');
  }

  /** A sample and its log density in one call (some families share work between the two). */
  sampleAndLogProb(key: PRNGKey, sampleShape?: number | readonly number[]): [tf.Tensor, tf.Tensor] {
    const x = this.sample(key, sampleShape);
    const lp = this.logProb(x);
    return [x, lp];
  }

  /**
   * Runs the checks that could not run on construction (tensor parameters on WebGPU) with one
   * asynchronous readback each; rejects with the same error construction would have thrown.
   */
  async validate(): Promise<this> {
    await this.paramStore.validate(this.name);
    return this;
  }

  /** Frees the tensors this distribution created (uploaded host parameters, derived factors). */
  dispose(): void {
    this.paramStore.dispose();
  }

  // ---- helpers for subclasses ----

  /** Converts a constructor parameter, records ownership, and runs `check` when validating. */
  protected param(arg: string, value: TensorInput | undefined, check?: PendingCheck['check']): tf.Tensor {
    const p = this.paramStore.convert(this.name, arg, value);
    if (check && this.validateArgs) this.runCheck(arg, p, check);
    return p.tensor;
  }

  /**
   * Records a tensor computed at construction (a Cholesky factor, logits from probs) to free on
   * dispose. Like any tensor, it belongs to the enclosing `tf.tidy` when there is one.
   */
  protected own<T extends tf.Tensor>(t: T): T {
    return this.paramStore.own(t);
  }

  /** Validates an already-converted tensor (e.g. a derived quantity) with `check`. */
  protected checkTensor(arg: string, t: tf.Tensor, check: PendingCheck['check'], host?: Float64Array): void {
    if (this.validateArgs) this.runCheck(arg, { tensor: t, host, owned: false }, check);
  }

  private runCheck(arg: string, p: ConvertedParam, check: PendingCheck['check']): void {
    this.paramStore.check(this.name, arg, p.tensor, syncValues(p), check, () => this.dispose());
  }

  /** A value argument as float32 (freed by the caller's tidy when converted). */
  protected value(x: TensorInput, arg = 'x'): tf.Tensor {
    return toValue(this.name, arg, x);
  }

  /** `sampleShape + batchShape + eventShape` for a sample call. */
  protected sampleShapeFor(sampleShape: number | readonly number[] | undefined): number[] {
    return [...normalizeSampleShape(this.name, sampleShape), ...this.batchShape, ...this.eventShape];
  }

  /** A fresh tensor of `t` broadcast to `batchShape` (never `t` itself, so the caller may dispose it). */
  protected toBatchShape(t: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(t, [...this.batchShape]).clone());
  }

  /** Replaces entries outside the support by `fill` (-Infinity for log densities). */
  protected maskOutsideSupport(x: tf.Tensor, values: tf.Tensor, fill = -Infinity): tf.Tensor {
    return tf.tidy(() => {
      const inside = this.support.check(x);
      const cond = inside.shape.length === values.shape.length && inside.shape.every((d, i) => d === values.shape[i]) ? inside : tf.broadcastTo(inside, values.shape);
      return tf.where(cond, values, tf.fill(values.shape, fill));
    });
  }
}
