/**
 * @probdl/datasets: the course data sets, real-format loaders (CSV, JSON, NumPy), transforms and
 * splits, and seeded minibatching; every random choice comes from an explicit PRNG key.
 *
 * @packageDocumentation
 */


// Real-format loaders: CSV (streamed), JSON tables, NumPy .npy/.npz
export {
  parseNpy,
  writeNpy,
  parseNpz,
  npyToTensor,
  readCsv,
  loadCsv,
  csvToTensor,
  loadJsonTable,
  readFileBytes,
  parseFitsTable,
  loadFitsTable,
  npyFileChunks,
  npyFileMinibatches,
} from './loaders/index.js';
export type {
  NpyArray,
  NpyDtype,
  NpyData,
  CsvOptions,
  CsvRow,
  CsvReader,
  JsonTableOptions,
  Cell,
  ColumnType,
  MissingPolicy,
  Table,
  TextInput,
  FitsTable,
  FitsTableOptions,
  FitsColumnData,
  NpyFileChunkOptions,
  NpyFileMinibatchOptions,
} from './loaders/index.js';

// Transforms and splits
export {
  standardScaler,
  minMaxScaler,
  oneHot,
  logTransform,
  trainTestSplit,
  kFold,
  take,
} from './transforms/index.js';
export type {
  StandardScalerState,
  FittedTransform,
  MinMaxScalerOptions,
  MinMaxScalerState,
  LogTransformOptions,
  ElementwiseTransform,
  TrainTestSplitOptions,
  SplitIndices,
} from './transforms/index.js';

// Seeded minibatching
export {
  minibatches,
  minibatchesAsync,
  minibatchesFromChunks,
} from './batching/index.js';
export type {
  MinibatchOptions,
  AsyncMinibatchOptions,
  Minibatch,
  ChunkBatchOptions,
  ChunkBatch,
} from './batching/index.js';

// Course data sets
export {
  INDABA_2022_RAW,
  indabaDataset,
  indabaValues,
  affineBasis,
  flaxSinusoid,
  lognormalToy,
  lognormalToySummaries,
  twoMoons,
  circles,
  spirals,
  heteroscedastic1D,
  bimodal1D,
  gap1D,
} from './course/index.js';
export type {
  IndabaDatasetName,
  XY1D,
  FlaxSinusoidOptions,
  XY2D,
  LognormalToySummaries,
  Classification2D,
  Toy2DOptions,
  CirclesOptions,
  SpiralsOptions,
} from './course/index.js';

// The synthetic cluster-mass catalogue and the tutorial's preprocessing
export {
  clusterCatalogue,
  CLUSTER_FEATURES,
  CLUSTER_FEATURE_COUNT,
  CLUSTER_MASS_PHYSICS,
  prepareClusterMass,
  histogramPrior,
  loadClusterMassFits,
  clusterCatalogueFromTable,
} from './cluster-mass/index.js';
export type {
  ClusterCatalogue,
  ClusterCatalogueOptions,
  PrepareClusterMassOptions,
  PreparedClusterMass,
  HistogramPrior,
} from './cluster-mass/index.js';
