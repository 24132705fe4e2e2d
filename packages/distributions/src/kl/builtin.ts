import { Independent } from '../combinators/independent.js';
import { Bernoulli } from '../families/bernoulli.js';
import { Beta } from '../families/beta.js';
import { Categorical } from '../families/categorical.js';
import { Exponential } from '../families/exponential.js';
import { Gamma } from '../families/gamma.js';
import { Laplace } from '../families/laplace.js';
import { LogNormal } from '../families/log-normal.js';
import { Normal } from '../families/normal.js';
import { OneHotCategorical } from '../families/one-hot-categorical.js';
import { Poisson } from '../families/poisson.js';
import { Uniform } from '../families/uniform.js';
import { Dirichlet } from '../multivariate/dirichlet.js';
import { MultivariateNormalDiag } from '../multivariate/multivariate-normal-diag.js';
import { MultivariateNormalTriL } from '../multivariate/multivariate-normal-tril.js';
import { klBernoulliBernoulli } from './bernoulli-bernoulli.js';
import { klBetaBeta } from './beta-beta.js';
import { klCategoricalCategorical, klOneHotCategoricalOneHotCategorical } from './categorical-categorical.js';
import { klDirichletDirichlet } from './dirichlet-dirichlet.js';
import { klExponentialExponential } from './exponential-exponential.js';
import { klGammaGamma } from './gamma-gamma.js';
import { klIndependentIndependent } from './independent-independent.js';
import { klLaplaceLaplace } from './laplace-laplace.js';
import { klLogNormalLogNormal } from './log-normal-log-normal.js';
import { klMvnDiagMvnDiag, klMvnMvn } from './mvn-mvn.js';
import { klNormalNormal } from './normal-normal.js';
import { klPoissonPoisson } from './poisson-poisson.js';
import { klUniformNormal, klUniformUniform } from './uniform-normal.js';
import { registerKl } from './registry.js';

let registered = false;

/**
 * Registers the closed forms that ship with the package (idempotent; `kl.ts` calls it when it
 * loads, so importing `kl` is enough and a tree-shaking bundler keeps the table):
 * Normal–Normal, Independent–Independent, MultivariateNormalTriL–MultivariateNormalTriL,
 * MultivariateNormalDiag–MultivariateNormalDiag, LogNormal–LogNormal, Bernoulli–Bernoulli,
 * Categorical–Categorical, OneHotCategorical–OneHotCategorical, Beta–Beta, Gamma–Gamma,
 * Dirichlet–Dirichlet, Exponential–Exponential, Uniform–Uniform, Uniform–Normal, Laplace–Laplace,
 * Poisson–Poisson.
 * MultivariateNormalTriL–MultivariateNormalTriL covers every scale form (Diag and FullCovariance are
 * subclasses); Diag–Diag has its own O(d) form. A later `registerKl` for the same pair replaces the
 * built-in one.
 */
export function registerBuiltinKls(): void {
  if (registered) return;
  registered = true;
  registerKl(Normal, Normal, klNormalNormal);
  registerKl(Independent, Independent, klIndependentIndependent);
  registerKl(MultivariateNormalTriL, MultivariateNormalTriL, klMvnMvn);
  registerKl(MultivariateNormalDiag, MultivariateNormalDiag, klMvnDiagMvnDiag);
  registerKl(LogNormal, LogNormal, klLogNormalLogNormal);
  registerKl(Bernoulli, Bernoulli, klBernoulliBernoulli);
  registerKl(Categorical, Categorical, klCategoricalCategorical);
  registerKl(OneHotCategorical, OneHotCategorical, klOneHotCategoricalOneHotCategorical);
  registerKl(Beta, Beta, klBetaBeta);
  registerKl(Gamma, Gamma, klGammaGamma);
  registerKl(Dirichlet, Dirichlet, klDirichletDirichlet);
  registerKl(Exponential, Exponential, klExponentialExponential);
  registerKl(Uniform, Uniform, klUniformUniform);
  registerKl(Uniform, Normal, klUniformNormal);
  registerKl(Laplace, Laplace, klLaplaceLaplace);
  registerKl(Poisson, Poisson, klPoissonPoisson);
}
