import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { decodeSafetensors, encodeSafetensors, ITEM_SIZE, type RawTensor } from './safetensors-format.js';
import { LOADS_AS, SAVES_AS, littleEndianBytes, toHost, type HostTensor } from './dtype-convert.js';
import { LAYOUT_KEY, buildFromLayout, buildFromNames, describeTree } from './tree-layout.js';

/** Options of {@link paramsToSafetensors} and {@link saveParams}. */
export interface SafetensorsSaveOptions {
  /**
   * Free-form string metadata stored in the header's `__metadata__` (e.g. `{ model: 'mdn-16' }`).
   * The key `probdl.treedef` is reserved for the tree structure.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link paramsFromSafetensors} and {@link loadParams}. */
export interface SafetensorsLoadOptions<P = Tree> {
  /**
   * A params tree of the expected structure, e.g. a fresh `module.init(key, inputShape)` (its
   * tensors are only inspected, never disposed). The file must have exactly its tensor names, each
   * with its shape and a compatible dtype; the result has its structure.
   */
  readonly like?: P;
}

const shapeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * The safetensors bytes of a params tree (https://github.com/huggingface/safetensors), readable by
 * the Python, Rust and JS safetensors libraries.
 *
 * - Tensor names are the tree paths joined with '.': `{ Dense_0: { kernel } }` -> `Dense_0.kernel`,
 *   array indices as numbers (`layers.1.w`); the same as PyTorch state-dict names.
 * - float32 leaves are stored as F32, int32 as I32, bool as BOOL, bit for bit (-0, NaN, subnormals,
 *   ±Infinity kept). Other dtypes are refused naming the leaf.
 * - A number leaf is stored as a 0-d F32 tensor (so rounded to float32) and loads back as a number.
 * - The tree structure (object keys, arrays, empty subtrees, which leaves were numbers) is stored as
 *   JSON in `__metadata__['probdl.treedef']`, so {@link paramsFromSafetensors} rebuilds it exactly
 *   (except that `undefined` in an array comes back as `null`).
 * - Tensors are written widest dtype first, then in tree order, so each starts at a multiple of its
 *   item size (as the reference writer does).
 *
 * Async because reading tensors back from the device is async (WebGPU). `params` is not disposed
 * and no tensors are left behind.
 *
 * @throws when two leaves get the same name (an object key containing '.'), or on unsupported
 *   dtypes or metadata values that are not strings.
 */
export async function paramsToSafetensors(params: unknown, options: SafetensorsSaveOptions = {}): Promise<Uint8Array> {
  const fn = 'paramsToSafetensors';
  const { leaves, layout } = describeTree(params, fn);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (k === LAYOUT_KEY) throw new Error(`${fn}: metadata key '${LAYOUT_KEY}' is reserved for the tree structure`);
    if (typeof v !== 'string') throw new TypeError(`${fn}: metadata['${k}'] must be a string, got ${typeof v}`);
    metadata[k] = v;
  }
  metadata[LAYOUT_KEY] = JSON.stringify(layout);
  for (const { leaf, path } of leaves) {
    if (typeof leaf !== 'number' && SAVES_AS[leaf.dtype] === undefined) {
      throw new TypeError(`${fn}: ${path} has dtype ${leaf.dtype}; only float32, int32 and bool tensors can be saved`);
    }
  }
  const values = await Promise.all(
    leaves.map(({ leaf }) => (typeof leaf === 'number' ? new Float32Array([leaf]) : (leaf.data() as Promise<Float32Array | Int32Array | Uint8Array>))),
  );
  const raw: RawTensor[] = leaves.map(({ name, leaf }, i) => ({
    name,
    dtype: typeof leaf === 'number' ? 'F32' : SAVES_AS[leaf.dtype]!,
    shape: typeof leaf === 'number' ? [] : leaf.shape,
    data: littleEndianBytes(values[i]!),
  }));
  // Stable sort: widest item first, tree order within a width.
  const ordered = raw.map((t, i) => ({ t, i })).sort((a, b) => ITEM_SIZE[b.t.dtype]! - ITEM_SIZE[a.t.dtype]! || a.i - b.i);
  return encodeSafetensors(
    ordered.map(({ t }) => t),
    metadata,
  );
}

/**
 * A params tree from safetensors bytes (from {@link paramsToSafetensors} or any other tool). The
 * header is validated first (length prefix, JSON, dtypes, offsets in range and contiguous, byte
 * lengths matching shapes); errors name the tensor. The tensors are fresh; the caller owns them.
 *
 * - With `like`: the file must hold exactly the names of `like`'s leaves ('.'-joined paths), each
 *   with the same shape, else one error lists the problems, e.g.
 *   `Dense_0.kernel: file has shape [14, 64], expected [14, 128]`. Float leaves accept F32/F64/F16/BF16,
 *   int32 leaves I32/I64, bool leaves BOOL; a number leaf in `like` comes back as a number. The
 *   result has the structure of `like`.
 * - Without `like`: the structure comes from the `probdl.treedef` metadata when present; otherwise
 *   (files of other tools, e.g. PyTorch) names are split on '.' into nested objects
 *   (`fc1.weight` -> `{ fc1: { weight } }`; integer segments stay object keys).
 * - dtypes: F32, I32 and BOOL load as they are; F64 is rounded to float32, F16 and BF16 widen to
 *   float32 exactly, I64 narrows to int32 if every value fits. Other dtypes are an error naming the tensor.
 */
export function paramsFromSafetensors<P = Tree>(bytes: Uint8Array | ArrayBuffer, options: SafetensorsLoadOptions<P> = {}): P {
  const fn = 'paramsFromSafetensors';
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { tensors, metadata } = decodeSafetensors(view, fn);
  const host = new Map<string, HostTensor>();
  const hostOf = (name: string, path: string): HostTensor => {
    let h = host.get(name);
    if (h === undefined) {
      h = toHost(tensors.get(name)!, fn, path);
      host.set(name, h);
    }
    return h;
  };
  // Everything is checked and converted on the host before the first tensor is made, so an error leaks nothing.
  let build: (leafOf: (name: string, isNumber: boolean) => unknown) => unknown;
  if (options.like !== undefined) {
    const { leaves } = describeTree(options.like, fn);
    const problems: string[] = [];
    const expected = new Set<string>();
    for (const { name, path, leaf } of leaves) {
      expected.add(name);
      const t = tensors.get(name);
      const shape = typeof leaf === 'number' ? [] : leaf.shape;
      const dtype = typeof leaf === 'number' ? 'float32' : leaf.dtype;
      if (t === undefined) problems.push(`${path}: missing from the file (expected shape ${shapeStr(shape)})`);
      else if (shapeStr(t.shape) !== shapeStr(shape)) problems.push(`${path}: file has shape ${shapeStr(t.shape)}, expected ${shapeStr(shape)}`);
      else if (LOADS_AS[t.dtype] !== undefined && LOADS_AS[t.dtype] !== dtype) problems.push(`${path}: file has dtype ${t.dtype}, expected ${dtype}`);
    }
    for (const name of tensors.keys()) {
      if (!expected.has(name)) problems.push(`${name}: in the file but not in 'like' (shape ${shapeStr(tensors.get(name)!.shape)})`);
    }
    if (problems.length > 0) {
      const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
      throw new Error(`${fn}: the file does not match 'like': ${problems.slice(0, 8).join('; ')}${more}`);
    }
    const { treedef } = tree.flatten(options.like as Tree);
    build = (leafOf) => tree.unflatten(treedef, leaves.map(({ name, leaf }) => leafOf(name, typeof leaf === 'number')));
  } else if (metadata?.[LAYOUT_KEY] !== undefined) {
    let layout: unknown;
    try {
      layout = JSON.parse(metadata[LAYOUT_KEY]);
    } catch {
      throw new Error(`${fn}: the ${LAYOUT_KEY} metadata is not valid JSON`);
    }
    const used = new Set<string>();
    buildFromLayout(layout, (name) => {
      if (!tensors.has(name)) throw new Error(`${fn}: ${name}: named in the ${LAYOUT_KEY} metadata but missing from the file`);
      used.add(name);
      return 0;
    }, fn);
    const extra = [...tensors.keys()].filter((n) => !used.has(n));
    if (extra.length > 0) throw new Error(`${fn}: ${extra.join(', ')}: in the file but not in the ${LAYOUT_KEY} metadata`);
    build = (leafOf) => buildFromLayout(layout, leafOf, fn);
  } else {
    build = (leafOf) => buildFromNames([...tensors.keys()], (name) => leafOf(name, false), fn);
  }
  // Dry run: converts every tensor on the host and surfaces any structure error before tensors exist.
  build((name, isNumber) => {
    const h = hostOf(name, name);
    if (isNumber && h.shape.length !== 0) throw new Error(`${fn}: ${name}: a number leaf needs shape [], file has ${shapeStr(h.shape)}`);
    return 0;
  });
  return tf.tidy(() =>
    build((name, isNumber) => {
      const h = host.get(name)!;
      return isNumber ? h.values[0]! : tf.tensor(h.values, h.shape as number[], h.dtype);
    }) as tf.TensorContainer,
  ) as P;
}
