import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, keyData, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { minibatches } from '@probdl/datasets';
import type { Module } from '@probdl/nn-layers';
import { adam, makeTrainStep, stateFromJson, stateToJson, treeFromJson, treeToJson, twoPhaseSchedule, type JsonValue, type OptState } from '@probdl/optimizers';
import { writeFileAtomic } from '@probdl/app-kit';
import type { ProgressFactory } from './progress.js';

/** One finished epoch. Losses are in the network's own units (MSE of scaled y; NLL of y). */
export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly learningRate: number;
  readonly seconds: number;
}

/** A network to train: its body (an MLP), its loss on a batch and its schedule. */
export interface NetworkSpec {
  readonly name: 'mse' | 'mdn';
  readonly label: string;
  readonly module: Module;
  /** The loss of a batch (mean over the rows). */
  readonly loss: (params: Tree, x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  /** The sum of the per-row losses of a chunk (for the test loss). */
  readonly lossSum: (params: Tree, x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  readonly epochs: number;
  /** The tutorial's schedule: lr 1e-3 for epochs [0, switchEpoch), 1e-4 after. */
  readonly switchEpoch: number;
}

export interface TrainData {
  readonly xTrain: tf.Tensor2D;
  readonly yTrain: tf.Tensor2D;
  readonly xTest: tf.Tensor2D;
  readonly yTest: tf.Tensor2D;
}

/** How many epochs this run may still finish (`--stop-after-epoch`), shared by both networks. */
export interface EpochBudget {
  remaining: number | undefined;
}

export interface TrainOutcome {
  readonly params: Tree;
  readonly history: EpochRecord[];
  /** Epochs (1-based) trained in this run; the others came from the checkpoint. */
  readonly epochsRun: number[];
  /** Epochs finished when this run started (0 without a checkpoint). */
  readonly resumedFrom: number;
  /** True when the epoch budget ran out before the last epoch. */
  readonly stopped: boolean;
}

const CHECKPOINT_FORMAT = 'probdl-cluster-mass-checkpoint';
const CHECKPOINT_VERSION = 1;
export const LEARNING_RATES = [1e-3, 1e-4] as const;

interface Checkpoint {
  format: string;
  version: number;
  network: string;
  /** What must match to resume: data, seed, split, batch, architecture, epochs. */
  config: Record<string, JsonValue>;
  epochsDone: number;
  /** The batch order of epoch e is `foldIn(key, e)`: the RNG position is `epochsDone`. */
  rng: { key: number[]; nextEpoch: number };
  history: EpochRecord[];
  params: JsonValue;
  optState: JsonValue;
}

/** Reads a checkpoint; undefined when there is none. Errors name the file. */
async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the checkpoint ${path}: ${(e as Error).message}`);
  }
  let doc: Checkpoint;
  try {
    doc = JSON.parse(text) as Checkpoint;
  } catch (e) {
    throw new Error(`the checkpoint ${path} is not valid JSON (${(e as Error).message}); delete it or run without --resume`);
  }
  if (doc?.format !== CHECKPOINT_FORMAT || doc.version !== CHECKPOINT_VERSION) {
    throw new Error(`the checkpoint ${path} is not a version-${CHECKPOINT_VERSION} cluster-mass checkpoint; delete it or run without --resume`);
  }
  return doc;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Forward passes over `x` in chunks; `fn` maps a chunk's rows to a tensor whose values are concatenated. */
export async function mapChunks(x: tf.Tensor2D, chunk: number, fn: (xc: tf.Tensor2D) => tf.Tensor): Promise<Float32Array[]> {
  const n = x.shape[0];
  const out: Float32Array[] = [];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const t = tf.tidy(() => fn(tf.slice(x, [start, 0], [size, x.shape[1]])));
    try {
      out.push((await t.data()) as Float32Array);
    } finally {
      t.dispose();
    }
  }
  return out;
}

async function testLoss(spec: NetworkSpec, params: Tree, data: TrainData): Promise<number> {
  const n = data.xTest.shape[0];
  let total = 0;
  const chunk = 8192;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const s = tf.tidy(() => spec.lossSum(params, tf.slice(data.xTest, [start, 0], [size, 14]), tf.slice(data.yTest, [start, 0], [size, 1])));
    try {
      total += (await s.data())[0]!;
    } finally {
      s.dispose();
    }
  }
  return total / n;
}

/**
 * Trains one network with Adam on the tutorial's two-phase schedule, writing a checkpoint
 * (params, optimizer state, epoch, RNG position, history) atomically after every epoch. With
 * `resume`, a matching checkpoint's finished epochs are kept and training goes on from there.
 */
export async function trainNetwork(args: {
  spec: NetworkSpec;
  data: TrainData;
  key: PRNGKey;
  batch: number;
  checkpointPath: string;
  config: Record<string, JsonValue>;
  resume: boolean;
  budget: EpochBudget;
  progress: ProgressFactory;
  log: (line: string) => void;
}): Promise<TrainOutcome> {
  const { spec, data, batch, budget } = args;
  const nTrain = data.xTrain.shape[0];
  if (batch > nTrain) throw new Error(`--batch ${batch} is larger than the ${nTrain} training rows`);
  const stepsPerEpoch = Math.floor(nTrain / batch);
  const config = { ...args.config, network: spec.name, epochs: spec.epochs, switchEpoch: spec.switchEpoch, batch, stepsPerEpoch };
  const [kInit, kBatches] = [foldIn(args.key, 0), foldIn(args.key, 1)];
  const optimizer = adam(twoPhaseSchedule(LEARNING_RATES[0], LEARNING_RATES[1], spec.switchEpoch * stepsPerEpoch));

  let params: Tree = spec.module.init(kInit, [data.xTrain.shape[1]]);
  let optState: OptState = optimizer.init(params);
  let history: EpochRecord[] = [];
  let epochsDone = 0;
  if (args.resume) {
    const ck = await readCheckpoint(args.checkpointPath);
    if (ck === undefined) {
      args.log(`${spec.label}: no checkpoint at ${args.checkpointPath}; starting from epoch 1`);
    } else {
      if (!sameJson(ck.config, config)) {
        const diff = Object.keys(config)
          .filter((k) => !sameJson(ck.config[k], (config as Record<string, unknown>)[k]))
          .map((k) => `${k}: checkpoint ${JSON.stringify(ck.config[k])}, now ${JSON.stringify((config as Record<string, unknown>)[k])}`);
        throw new Error(`the checkpoint ${args.checkpointPath} was written by a different configuration (${diff.join('; ')}); use the same flags, or run without --resume to start over`);
      }
      const loaded = treeFromJson<Tree>(ck.params);
      const want = tree.flatten(params).leaves.map((l) => (l as tf.Tensor).shape.join('x'));
      const got = tree.flatten(loaded).leaves.map((l) => (l as tf.Tensor).shape.join('x'));
      if (!sameJson(want, got)) {
        tree.dispose(loaded);
        throw new Error(`the checkpoint ${args.checkpointPath} holds parameters of other shapes (${got.join(', ')}; expected ${want.join(', ')})`);
      }
      tree.dispose([params, optState as Tree]);
      params = loaded;
      optState = stateFromJson(ck.optState);
      history = ck.history;
      epochsDone = ck.epochsDone;
      args.log(`${spec.label}: resumed from ${args.checkpointPath} after epoch ${epochsDone} of ${spec.epochs}`);
    }
  }
  const resumedFrom = epochsDone;
  const epochsRun: number[] = [];
  const step = makeTrainStep<Tree, OptState, [tf.Tensor, tf.Tensor]>((p, x, y) => spec.loss(p, x, y), optimizer);

  for (let epoch = epochsDone; epoch < spec.epochs; epoch++) {
    if (budget.remaining !== undefined && budget.remaining <= 0) {
      tree.dispose(optState as Tree);
      return { params, history, epochsRun, resumedFrom, stopped: true };
    }
    const start = performance.now();
    const lr = epoch < spec.switchEpoch ? LEARNING_RATES[0] : LEARNING_RATES[1];
    const bar = args.progress(`${spec.label} ${epoch + 1}/${spec.epochs}`, stepsPerEpoch);
    let pending: tf.Scalar[] = [];
    let lossSum = 0;
    let lossCount = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const s = tf.tidy(() => tf.sum(tf.stack(pending)));
      const v = (await s.data())[0]!;
      tf.dispose([s, ...pending]);
      lossSum += v;
      lossCount += pending.length;
      pending = [];
    };
    try {
      for (const { step: i, batch: b } of minibatches(foldIn(kBatches, epoch), { x: data.xTrain, y: data.yTrain }, { batchSize: batch, dropLast: true })) {
        const out = step(params, optState, b.x, b.y);
        tf.dispose([b.x, b.y]);
        params = out.params;
        optState = out.optState;
        pending.push(out.loss);
        if (pending.length === 25 || i === stepsPerEpoch - 1) {
          await flush();
          if (!Number.isFinite(lossSum)) throw new Error(`${spec.label}: the training loss became ${lossSum} in epoch ${epoch + 1}`);
          bar.update(i + 1, `loss ${(lossSum / lossCount).toFixed(4)}`);
        }
      }
      await flush();
    } finally {
      tf.dispose(pending);
      bar.stop();
    }
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: lossSum / lossCount,
      testLoss: await testLoss(spec, params, data),
      learningRate: lr,
      seconds: (performance.now() - start) / 1000,
    };
    history = [...history, record];
    epochsRun.push(epoch + 1);
    const checkpoint: Checkpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      network: spec.name,
      config,
      epochsDone: epoch + 1,
      rng: { key: Array.from(keyData(kBatches)), nextEpoch: epoch + 1 },
      history,
      params: await treeToJson(params),
      optState: await stateToJson(optState),
    };
    await writeFileAtomic(args.checkpointPath, JSON.stringify(checkpoint));
    args.log(`${spec.label} epoch ${epoch + 1}/${spec.epochs}: train ${record.trainLoss.toFixed(5)}, test ${record.testLoss.toFixed(5)}, lr ${lr}, ${record.seconds.toFixed(1)} s`);
    if (budget.remaining !== undefined) budget.remaining--;
  }
  tree.dispose(optState as Tree);
  return { params, history, epochsRun, resumedFrom, stopped: false };
}
