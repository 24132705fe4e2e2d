import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';
import type { ApplyOptions, Module, StatefulApplyOptions } from '../core/module.js';
import { fmtShape, ownTensors } from './internal/head-utils.js';
import type { Head, HeadApplyOptions } from './types.js';

/** Options of a probabilistic module's `apply`: the body's ({@link ApplyOptions}) and the head's. */
export interface ProbabilisticApplyOptions extends ApplyOptions, HeadApplyOptions {}

/** Options of a probabilistic module's `applyWithState`. */
export interface ProbabilisticStatefulApplyOptions extends StatefulApplyOptions, HeadApplyOptions {}

/** What `applyWithState` returns: the distribution and the body's new state. */
export interface ProbabilisticStatefulOutput<D extends Distribution> {
  readonly distribution: D;
  readonly state: Tree;
}

/**
 * A network whose output is a distribution: a {@link Module} (`body`) producing `head.paramsSize`
 * features, followed by a {@link Head}. Its parameters are the body's, unchanged (the head has
 * none), so optimizers, VI and HMC see the same tree.
 */
export interface ProbabilisticModule<P extends Tree = Tree, D extends Distribution = Distribution> {
  /** 'Probabilistic'. */
  readonly kind: string;
  readonly body: Module<P>;
  readonly head: Head<D>;
  /** The head's event shape. */
  readonly eventShape: readonly number[];
  /** The body's parameters; checks first that its output size is `head.paramsSize`. */
  init(key: PRNGKey, inputShape: readonly number[]): P;
  /**
   * The distribution for `x` of shape `[...batch, ...inputShape]`, batch shape `batch` (plus any
   * batch axes of the body's output). It owns the body's output, freed by its `dispose()`.
   */
  apply(params: P, x: tf.Tensor, options?: ProbabilisticApplyOptions): D;
  /** Present when the body is stateful (BatchNorm): its initial state. */
  initState?(inputShape: readonly number[]): Tree;
  /** Present when the body is stateful: the distribution and the body's new state. */
  applyWithState?(params: P, x: tf.Tensor, options: ProbabilisticStatefulApplyOptions): ProbabilisticStatefulOutput<D>;
  /** Present when the body has Bayesian layers: their KL term. */
  klDivergence?(params: P, options?: { readonly key?: PRNGKey }): tf.Scalar;
}

/** The head over the body's output features, which the distribution then owns. */
function applyHead<D extends Distribution>(head: Head<D>, features: tf.Tensor, options: HeadApplyOptions | undefined): D {
  let dist: D;
  try {
    dist = head.apply(features, options?.validateArgs === undefined ? undefined : { validateArgs: options.validateArgs });
  } catch (e) {
    features.dispose();
    throw e;
  }
  return ownTensors(dist, [features]);
}

/**
 * Puts `head` on top of `body` ({@link ProbabilisticModule}): `init` is the body's (nothing is
 * appended: give the body a last layer of `head.paramsSize` linear units, or use
 * {@link probabilisticMlp}), after checking that the body's output size equals `head.paramsSize`;
 * `apply` returns `head.apply(body.apply(params, x))`.
 */
export function withHead<P extends Tree, D extends Distribution>(body: Module<P>, head: Head<D>): ProbabilisticModule<P, D> {
  if (typeof body !== 'object' || body === null || typeof body.init !== 'function' || typeof body.apply !== 'function') {
    throw new TypeError(`withHead: argument 'body' must be a Module (with init and apply)`);
  }
  if (typeof head !== 'object' || head === null || typeof head.apply !== 'function' || !Number.isInteger(head.paramsSize)) {
    throw new TypeError(`withHead: argument 'head' must be a head with an integer paramsSize (e.g. mixtureNormal(16, [1]))`);
  }
  const label = `withHead(${body.kind}, ${head.kind})`;
  const module: ProbabilisticModule<P, D> = {
    kind: 'Probabilistic',
    body,
    head,
    eventShape: head.eventShape,
    init(key, inputShape) {
      const out = body.outputShape(inputShape);
      const last = out[out.length - 1];
      if (out.length === 0 || last !== head.paramsSize) {
        throw new RangeError(
          `${label}.init: the body's output has shape ${fmtShape(out)} for input shape ${fmtShape(inputShape)}, but the head ${head.kind} reads ${head.paramsSize} features (its paramsSize); make the body's last layer ${head.paramsSize} units wide`,
        );
      }
      return body.init(key, inputShape);
    },
    apply(params, x, options) {
      return applyHead(head, body.apply(params, x, options), options);
    },
  };
  if (body.initState !== undefined && body.applyWithState !== undefined) {
    const initState = body.initState.bind(body);
    const applyWithState = body.applyWithState.bind(body);
    return {
      ...module,
      initState: (inputShape) => initState(inputShape),
      applyWithState: (params, x, options) => {
        const { output, state } = applyWithState(params, x, options);
        let distribution: D;
        try {
          distribution = applyHead(head, output, options);
        } catch (e) {
          tf.dispose(state as tf.TensorContainer);
          throw e;
        }
        return { distribution, state };
      },
      ...(body.klDivergence === undefined ? {} : { klDivergence: body.klDivergence.bind(body) }),
    };
  }
  return body.klDivergence === undefined ? module : { ...module, klDivergence: body.klDivergence.bind(body) };
}
