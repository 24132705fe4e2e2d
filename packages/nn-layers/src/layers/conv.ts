import * as tf from '@tensorflow/tfjs-core';
import { foldIn, type PRNGKey } from '@probdl/tensor-backend';
import { resolveActivation, type Activation } from '../core/activations.js';
import type { ApplyOptions, Module } from '../core/module.js';
import type { Initializer } from '../initializers/types.js';
import { checkInputShape, checkInt, checkTensor, fmtShape } from './internal/checks.js';
import { lecunNormal } from '../initializers/variance-scaling.js';

/** Padding of {@link conv1d}/{@link conv2d}: TensorFlow's and Flax's 'SAME' (output ceil(n/stride)) or 'VALID'. */
export type ConvPadding = 'SAME' | 'VALID';

/** Options of {@link conv1d} and {@link conv2d}; a number applies to every spatial axis. */
export interface ConvOptions<S extends number | readonly number[]> {
  /** Stride per spatial axis. Default 1. */
  readonly strides?: S;
  /** 'SAME' (default, Flax's) or 'VALID'. */
  readonly padding?: ConvPadding;
  /** Kernel dilation per spatial axis (Flax's `kernel_dilation`). Default 1. Combines with strides. */
  readonly dilation?: S;
  /** Add `params.bias` (`[features]`, init zeros). Default true. */
  readonly useBias?: boolean;
  /** Applied to the output. Default identity. */
  readonly activation?: Activation;
  /** Kernel initialiser. Default lecun normal (Flax's Conv default): fan-in = kernel size · input channels. */
  readonly kernelInit?: Initializer;
  /** Bias initialiser. Default zeros. */
  readonly biasInit?: Initializer;
}

/** Conv parameters: `kernel` `[...kernelSize, inChannels, features]` and `bias` `[features]` (absent without bias). */
export type ConvParams = { kernel: tf.Tensor; bias?: tf.Tensor };

function pair(where: string, name: string, v: number | readonly number[] | undefined, n: number): number[] {
  const arr = v === undefined ? new Array<number>(n).fill(1) : typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`${where}: ${name} must be a positive integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

/**
 * Spreads a `[kh, kw, in, out]` kernel with zeros between taps: the dilated kernel as a plain one,
 * so gradients work for any dilation (tfjs has none for dilated conv2d) and strides combine with
 * dilation. Only rank-2 pads: tfjs-webgpu's rank-5 pad returned zeros here (compatibility mode).
 */
function dilateKernel(kernel: tf.Tensor4D, dilation: number[]): tf.Tensor4D {
  let k: tf.Tensor4D = kernel;
  for (let ax = 0; ax < 2; ax++) {
    const d = dilation[ax]!;
    if (d === 1) continue;
    const [kh, kw, ci, co] = k.shape;
    // Rows = the taps along this axis (with everything before it), columns = one tap's block;
    // pad each row with d − 1 zero blocks, merge, and drop the trailing zero taps.
    const rows = ax === 0 ? kh : kh * kw;
    const block = ax === 0 ? kw * ci * co : ci * co;
    const padded = tf.pad(tf.reshape(k, [rows, block]), [[0, 0], [0, (d - 1) * block]]);
    if (ax === 0) {
      k = tf.slice(tf.reshape(padded, [kh * d, kw, ci, co]), [0, 0, 0, 0], [(kh - 1) * d + 1, kw, ci, co]) as tf.Tensor4D;
    } else {
      k = tf.slice(tf.reshape(padded, [kh, kw * d, ci, co]), [0, 0, 0, 0], [kh, (kw - 1) * d + 1, ci, co]) as tf.Tensor4D;
    }
  }
  return k;
}

function outSize(n: number, k: number, stride: number, dilation: number, padding: ConvPadding): number {
  if (padding === 'SAME') return Math.ceil(n / stride);
  const eff = (k - 1) * dilation + 1;
  return Math.floor((n - eff) / stride) + 1;
}

function makeConv(kind: 'Conv1D' | 'Conv2D', features: number, kernelSize: number[], options: ConvOptions<number | readonly number[]>): Module<ConvParams> {
  const nd = kernelSize.length;
  const where = kind === 'Conv1D' ? `conv1d(${features}, ${kernelSize[0]})` : `conv2d(${features}, ${fmtShape(kernelSize)})`;
  const strides = pair(where, 'strides', options.strides, nd);
  const dilation = pair(where, 'dilation', options.dilation, nd);
  const padding = options.padding ?? 'SAME';
  if (padding !== 'SAME' && padding !== 'VALID') {
    throw new RangeError(`${where}: padding must be 'SAME' or 'VALID', got ${JSON.stringify(padding)}`);
  }
  const useBias = options.useBias ?? true;
  const activation = resolveActivation(options.activation, `${where}: activation`);
  const kernelInit = options.kernelInit ?? lecunNormal();
  const biasInit = options.biasInit;

  const checkExample = (fn: string, inputShape: readonly number[]): void => {
    checkInputShape(fn, inputShape, nd + 1);
    if (inputShape.length !== nd + 1) {
      throw new RangeError(`${fn}: inputShape ${fmtShape(inputShape)} must be one example ${nd === 1 ? '[width, channels]' : '[height, width, channels]'} (channels-last)`);
    }
    inputShape.slice(0, nd).forEach((n, i) => {
      if (outSize(n, kernelSize[i]!, strides[i]!, dilation[i]!, padding) < 1) {
        throw new RangeError(`${fn}: spatial size ${n} is smaller than the dilated kernel ${(kernelSize[i]! - 1) * dilation[i]! + 1} with 'VALID' padding (inputShape ${fmtShape(inputShape)})`);
      }
    });
  };

  return {
    kind,
    init(key: PRNGKey, inputShape: readonly number[]): ConvParams {
      checkExample(`${where}.init`, inputShape);
      const inC = inputShape[nd]!;
      const shape = [...kernelSize, inC, features];
      const kernel = kernelInit(key, shape);
      if (!useBias) return { kernel };
      // The bias draws from its own stream (foldIn(key, 1)), independent of the kernel's.
      const bias = biasInit === undefined ? tf.zeros([features]) : biasInit(foldIn(key, 1), [features]);
      return { kernel, bias };
    },
    outputShape(inputShape: readonly number[]): number[] {
      checkExample(`${where}.outputShape`, inputShape);
      return [...inputShape.slice(0, nd).map((n, i) => outSize(n, kernelSize[i]!, strides[i]!, dilation[i]!, padding)), features];
    },
    apply(params: ConvParams, x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
      const fn = `${where}.apply`;
      checkTensor(fn, 'x', x);
      checkTensor(fn, 'params.kernel', params?.kernel);
      const kernel = params.kernel;
      if (kernel.rank !== nd + 2 || kernel.shape.slice(0, nd).some((k, i) => k !== kernelSize[i]) || kernel.shape[nd + 1] !== features) {
        throw new RangeError(`${fn}: params.kernel has shape ${fmtShape(kernel.shape)}, expected [${kernelSize.join(', ')}, inChannels, ${features}]`);
      }
      const inC = kernel.shape[nd]!;
      if (x.rank < nd + 1) {
        throw new RangeError(`${fn}: x of shape ${fmtShape(x.shape)} must be [...batch, ${nd === 1 ? 'width' : 'height, width'}, channels]`);
      }
      if (x.shape[x.rank - 1] !== inC) {
        throw new RangeError(`${fn}: x has ${x.shape[x.rank - 1]} channels (last axis) but the kernel expects ${inC} (x shape ${fmtShape(x.shape)})`);
      }
      if (useBias) {
        checkTensor(fn, 'params.bias', params.bias);
        if (params.bias.rank !== 1 || params.bias.shape[0] !== features) {
          throw new RangeError(`${fn}: params.bias has shape ${fmtShape(params.bias.shape)}, expected [${features}]`);
        }
      }
      const spatial = x.shape.slice(x.rank - 1 - nd, x.rank - 1);
      spatial.forEach((n, i) => {
        if (outSize(n, kernelSize[i]!, strides[i]!, dilation[i]!, padding) < 1) {
          throw new RangeError(`${fn}: spatial size ${n} is smaller than the dilated kernel ${(kernelSize[i]! - 1) * dilation[i]! + 1} with 'VALID' padding (x shape ${fmtShape(x.shape)})`);
        }
      });
      const lead = x.shape.slice(0, x.rank - 1 - nd);
      const n = lead.reduce((a, b) => a * b, 1);
      return tf.tidy(() => {
        // Conv1D runs as a Conv2D of height 1; leading batch axes are flattened into one and restored.
        const hw = nd === 1 ? [1, spatial[0]!] : spatial;
        const x4 = tf.reshape(x, [n, hw[0]!, hw[1]!, inC]) as tf.Tensor4D;
        let k4 = (nd === 1 ? tf.reshape(kernel, [1, kernelSize[0]!, inC, features]) : kernel) as tf.Tensor4D;
        const dil = nd === 1 ? [1, dilation[0]!] : dilation;
        const str = (nd === 1 ? [1, strides[0]!] : strides) as [number, number];
        if (dil.some((d) => d > 1)) k4 = dilateKernel(k4, dil);
        let y: tf.Tensor = tf.conv2d(x4, k4, str, padding === 'SAME' ? 'same' : 'valid', 'NHWC', 1);
        if (useBias && params.bias !== undefined) y = tf.add(y, params.bias);
        y = activation(y);
        const outSpatial = nd === 1 ? [y.shape[2]!] : [y.shape[1]!, y.shape[2]!];
        return tf.reshape(y, [...lead, ...outSpatial, features]);
      });
    },
  };
}

/**
 * 1-D convolution, channels-last (Flax's `nn.Conv` with one spatial axis): x `[...batch, width,
 * inChannels]` → `[...batch, outWidth, features]`, kernel `[kernelSize, inChannels, features]`.
 * Any number of leading batch axes (flattened into one and restored), including none.
 */
export function conv1d(features: number, kernelSize: number, options: ConvOptions<number | readonly [number]> = {}): Module<ConvParams> {
  checkInt('conv1d', 'features', features, 1);
  checkInt('conv1d', 'kernelSize', kernelSize, 1);
  return makeConv('Conv1D', features, [kernelSize], options);
}

/**
 * 2-D convolution, channels-last (NHWC, Flax's `nn.Conv`): x `[...batch, height, width,
 * inChannels]` → `[...batch, outHeight, outWidth, features]`, kernel `[kh, kw, inChannels, features]`.
 * Any number of leading batch axes (flattened into one and restored), including none.
 */
export function conv2d(features: number, kernelSize: number | readonly [number, number], options: ConvOptions<number | readonly [number, number]> = {}): Module<ConvParams> {
  checkInt('conv2d', 'features', features, 1);
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [...kernelSize];
  if (ks.length !== 2) throw new RangeError(`conv2d: kernelSize must be a positive integer or [kh, kw], got ${JSON.stringify(kernelSize)}`);
  ks.forEach((k) => checkInt('conv2d', 'kernelSize', k, 1));
  return makeConv('Conv2D', features, ks, options);
}
