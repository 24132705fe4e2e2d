export { clusterCatalogue, CLUSTER_FEATURES, CLUSTER_FEATURE_COUNT } from './catalogue.js';
export type { ClusterCatalogue, ClusterCatalogueOptions } from './catalogue.js';
export { prepareClusterMass } from './prepare.js';
export type { PrepareClusterMassOptions, PreparedClusterMass } from './prepare.js';
export { histogramPrior } from './histogram-prior.js';
export type { HistogramPrior } from './histogram-prior.js';
export { CLUSTER_MASS_PHYSICS } from './physics.js';
export { loadClusterMassFits, clusterCatalogueFromTable } from './fits-catalogue.js';
