/**
 * @probdl/inference-vi: inference between loss minimisation and sampling.
 *
 * - Exact conjugate Bayesian linear regression: posterior, predictive, evidence and its maximisation.
 * - ELBO estimators for any log density and any variational family.
 * - Variational families: mean-field and full-rank Gaussians, low-rank plus diagonal, normalising flows.
 *
 * @packageDocumentation
 */

export * from './conjugate/index.js';
export * from './elbo/index.js';
export * from './families/index.js';
export * from './laplace/index.js';
export * from './svi/index.js';
export * from './bnn/index.js';
export * from './diagnostics/index.js';
