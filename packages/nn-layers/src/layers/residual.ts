import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';
import type { ApplyOptions, Module, NamedModule, StatefulApplyOptions, StatefulOutput } from '../core/module.js';
import { denseOp } from '../dense/dense-op.js';
import { lecunNormal } from '../initializers/variance-scaling.js';
import { checkModule, containerWiring, initChildren, initChildState, isStateful, nameChildren, runChild, sumChildKl } from './container.js';
import { fmtShape } from './internal/checks.js';

/** Options of {@link residual}. */
export interface ResidualOptions {
  /**
   * The shortcut: false (default) is the identity, y = x + f(x), and f must keep the shape.
   * true is a bias-free Dense projection of x's last axis to f's output width (ResNet's
   * projection shortcut, kernel from lecunNormal), named like a Dense child; a Module is used as
   * the shortcut as it is. Either way y = P(x) + f(x).
   */
  readonly projection?: boolean | Module;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** A bias-free Dense whose width is f's output width, known only once the input shape is. */
function projectionDense(block: Module, where: string): Module {
  const widthFor = (inputShape: readonly number[]): number => {
    const out = block.outputShape(inputShape);
    if (out.length !== inputShape.length || !sameShape(out.slice(0, -1), inputShape.slice(0, -1))) {
      throw new RangeError(`${where}: a Dense projection maps only the last axis, but the block maps ${fmtShape(inputShape)} to ${fmtShape(out)}`);
    }
    return out[out.length - 1]!;
  };
  return {
    kind: 'Dense',
    init: (key, inputShape) => ({ kernel: lecunNormal()(key, [inputShape[inputShape.length - 1]!, widthFor(inputShape)]) }),
    apply(params, x) {
      const kernel = (params as { kernel?: tf.Tensor }).kernel;
      if (kernel === undefined || kernel.rank !== 2 || x.shape[x.rank - 1] !== kernel.shape[0]) {
        throw new RangeError(`${where} projection: x has last dimension ${x.shape[x.rank - 1]} but params.kernel has shape ${kernel === undefined ? 'none' : fmtShape(kernel.shape)}`);
      }
      return denseOp(x, kernel, undefined, undefined);
    },
    outputShape: (inputShape) => [...inputShape.slice(0, -1), widthFor(inputShape)],
  };
}

/**
 * A residual block y = x + f(x) (He et al. 2016), f any module that keeps the shape; with
 * `projection`, y = P(x) + f(x). Params `{ [f's kind]_0: ..., [projection]: ... }` named as in
 * {@link sequential}; keys `foldIn(key, 0)` for f and `foldIn(key, 1)` for the projection. State
 * and KL terms of f (and the projection) are threaded as in {@link sequential}.
 */
export function residual(module: Module, options: ResidualOptions = {}): Module {
  const where = 'residual';
  const block = checkModule(where, module, 'module');
  const proj = options.projection;
  const shortcut: Module | undefined =
    proj === undefined || proj === false ? undefined : proj === true ? projectionDense(block, `${where}(${block.kind})`) : checkModule(where, proj, 'options.projection');
  const children: NamedModule[] = nameChildren(shortcut === undefined ? [block] : [block, shortcut]);
  const name = `${where}(${block.kind})`;
  const stateful = children.some((c) => isStateful(c.module));
  const hasKl = children.some((c) => typeof c.module.klDivergence === 'function');

  const checkShapes = (fn: string, inShape: readonly number[], outShape: readonly number[], shortShape: readonly number[]): void => {
    if (!sameShape(outShape, shortShape)) {
      throw new RangeError(
        shortcut === undefined
          ? `${name}.${fn}: y = x + f(x) needs f to keep the shape, but f maps ${fmtShape(inShape)} to ${fmtShape(outShape)}; pass { projection: true } to project x`
          : `${name}.${fn}: the block gives shape ${fmtShape(outShape)} but the projection gives ${fmtShape(shortShape)} (input ${fmtShape(inShape)})`,
      );
    }
  };
  const shapeOf = (inputShape: readonly number[], fn: string): number[] => {
    const out = block.outputShape(inputShape);
    checkShapes(fn, inputShape, out, shortcut === undefined ? inputShape : shortcut.outputShape(inputShape));
    return out;
  };

  const run = (params: Tree, x: tf.Tensor, options: ApplyOptions, withState: boolean, fn: string): { output: tf.Tensor; state: Tree } => {
    const newState: Record<string, Tree> = {};
    const fx = runChild(children[0]!, params, x, options, 0, withState, newState, `${name}.${fn}`);
    const px = children[1] === undefined ? x : runChild(children[1], params, x, options, 1, withState, newState, `${name}.${fn}`);
    checkShapes(fn, x.shape, fx.shape, px.shape);
    return { output: tf.add(px, fx), state: newState };
  };

  const m: Module = {
    kind: 'Residual',
    children,
    init(key: PRNGKey, inputShape: readonly number[]): Tree {
      shapeOf(inputShape, 'init');
      return initChildren(children, key, inputShape, false);
    },
    apply(params: Tree, x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
      return tf.tidy(() => run(params, x, options, false, 'apply').output);
    },
    outputShape: (inputShape) => shapeOf(inputShape, 'outputShape'),
    ...(stateful
      ? {
          initState: (inputShape: readonly number[]): Tree => initChildState(children, children.map(() => inputShape)),
          applyWithState(params: Tree, x: tf.Tensor, options: StatefulApplyOptions): StatefulOutput {
            return tf.tidy(() => run(params, x, options, true, 'applyWithState') as unknown as tf.TensorContainer) as unknown as StatefulOutput;
          },
        }
      : {}),
    ...(hasKl
      ? {
          klDivergence: (params: Tree, options: { readonly key?: PRNGKey } = {}): tf.Scalar => sumChildKl(children, params, options.key, `${name}.klDivergence`),
        }
      : {}),
  };
  containerWiring.set(m, 'parallel');
  return m;
}
