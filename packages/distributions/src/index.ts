/**
 * @probdl/distributions: distributions, bijectors, constraints and KL divergences over tfjs, in
 * the style of TFP and NumPyro.
 *
 * - Every distribution has `batchShape`, `eventShape`, `sample(key, sampleShape)`, `logProb`,
 *   and where defined `mean`, `variance`, `stddev`, `mode`, `entropy`, `cdf`, `logCdf`,
 *   `survival`, `logSurvival`, `icdf`, and its `support` as a {@link Constraint}.
 * - Bijectors map unconstrained reals onto supports; {@link bijectTo} picks one per constraint.
 * - {@link kl} reads one table of closed forms; {@link klMonteCarlo} estimates the rest.
 *
 * @packageDocumentation
 */

// The interface
export { Distribution, NotDefinedError } from './distribution.js';
export type { DistributionOptions } from './distribution.js';
export type { TensorInput, NumberArray } from './internal/params.js';

// Scalar families
export { Normal } from './families/normal.js';
export type { NormalParams } from './families/normal.js';
export { LogNormal } from './families/log-normal.js';
export type { LogNormalParams } from './families/log-normal.js';
export { HalfNormal } from './families/half-normal.js';
export type { HalfNormalParams } from './families/half-normal.js';
export { TruncatedNormal } from './families/truncated-normal.js';
export type { TruncatedNormalParams } from './families/truncated-normal.js';
export { Uniform } from './families/uniform.js';
export type { UniformParams } from './families/uniform.js';
export { Exponential } from './families/exponential.js';
export type { ExponentialParams } from './families/exponential.js';
export { Gamma } from './families/gamma.js';
export type { GammaParams } from './families/gamma.js';
export { InverseGamma } from './families/inverse-gamma.js';
export type { InverseGammaParams } from './families/inverse-gamma.js';
export { Beta } from './families/beta.js';
export type { BetaParams } from './families/beta.js';
export { StudentT } from './families/student-t.js';
export type { StudentTParams } from './families/student-t.js';
export { Cauchy } from './families/cauchy.js';
export type { CauchyParams } from './families/cauchy.js';
export { HalfCauchy } from './families/half-cauchy.js';
export type { HalfCauchyParams } from './families/half-cauchy.js';
export { Laplace } from './families/laplace.js';
export type { LaplaceParams } from './families/laplace.js';
export { Logistic } from './families/logistic.js';
export type { LogisticParams } from './families/logistic.js';
export { Bernoulli } from './families/bernoulli.js';
export type { BernoulliParams } from './families/bernoulli.js';
export { Binomial } from './families/binomial.js';
export type { BinomialParams } from './families/binomial.js';
export { Categorical } from './families/categorical.js';
export type { CategoricalParams } from './families/categorical.js';
export { OneHotCategorical } from './families/one-hot-categorical.js';
export type { OneHotCategoricalParams } from './families/one-hot-categorical.js';
export { Poisson } from './families/poisson.js';
export { ImproperUniform } from './families/improper-uniform.js';
export type { PoissonParams } from './families/poisson.js';

// Multivariate families
export { MultivariateNormalTriL } from './multivariate/multivariate-normal-tril.js';
export type { MultivariateNormalTriLParams, MultivariateNormalScale } from './multivariate/multivariate-normal-tril.js';
export { MultivariateNormalDiag } from './multivariate/multivariate-normal-diag.js';
export type { MultivariateNormalDiagParams } from './multivariate/multivariate-normal-diag.js';
export { MultivariateNormalFullCovariance } from './multivariate/multivariate-normal-full-covariance.js';
export type { MultivariateNormalFullCovarianceParams } from './multivariate/multivariate-normal-full-covariance.js';
export { Dirichlet } from './multivariate/dirichlet.js';
export type { DirichletParams } from './multivariate/dirichlet.js';
export { Multinomial } from './multivariate/multinomial.js';
export type { MultinomialParams } from './multivariate/multinomial.js';
export { LKJCholesky } from './multivariate/lkj-cholesky.js';
export type { LKJCholeskyParams } from './multivariate/lkj-cholesky.js';

// Combinators
export { Independent } from './combinators/independent.js';
export type { IndependentParams } from './combinators/independent.js';
export { MixtureSameFamily } from './combinators/mixture-same-family.js';
export type { MixtureSameFamilyParams, MixingDistribution } from './combinators/mixture-same-family.js';
export { Mixture } from './combinators/mixture.js';
export type { MixtureParams } from './combinators/mixture.js';
export { TransformedDistribution } from './combinators/transformed-distribution.js';
export type { TransformedDistributionParams } from './combinators/transformed-distribution.js';
export { Deterministic, Delta } from './combinators/deterministic.js';
export type { DeterministicParams, DeltaParams } from './combinators/deterministic.js';
export { Masked } from './combinators/masked.js';
export type { MaskedParams } from './combinators/masked.js';
export { Expanded } from './combinators/expanded.js';
export type { ExpandedParams } from './combinators/expanded.js';

// Bijectors
export type { Bijector } from './bijectors/types.js';
export { BaseBijector } from './bijectors/bijector-base.js';
export type { BijectorOptions } from './bijectors/bijector-base.js';
export { Identity } from './bijectors/identity.js';
export { Shift } from './bijectors/shift.js';
export type { ShiftParams } from './bijectors/shift.js';
export { Scale } from './bijectors/scale.js';
export type { ScaleParams } from './bijectors/scale.js';
export { Affine, ShiftAndScale } from './bijectors/affine.js';
export type { AffineParams } from './bijectors/affine.js';
export { ScaleMatvecTriL } from './bijectors/scale-matvec-tril.js';
export type { ScaleMatvecTriLParams } from './bijectors/scale-matvec-tril.js';
export { Exp } from './bijectors/exp.js';
export { Log } from './bijectors/log.js';
export { Softplus } from './bijectors/softplus.js';
export { Sigmoid } from './bijectors/sigmoid.js';
export { Tanh } from './bijectors/tanh.js';
export { Power } from './bijectors/power.js';
export type { PowerParams } from './bijectors/power.js';
export { Chain } from './bijectors/chain.js';
export type { ChainOptions } from './bijectors/chain.js';
export { Invert } from './bijectors/invert.js';
export { IndependentBijector } from './bijectors/independent-bijector.js';
export { FillScaleTriL } from './bijectors/fill-scale-tril.js';
export type { FillScaleTriLParams } from './bijectors/fill-scale-tril.js';
export { CorrCholesky } from './bijectors/corr-cholesky.js';
export { CholeskyOuterProduct } from './bijectors/cholesky-outer-product.js';
export { StickBreaking } from './bijectors/stick-breaking.js';
export { SoftmaxCentered } from './bijectors/softmax-centered.js';
export { Ordered } from './bijectors/ordered.js';

// Constraints and the unconstraining maps
export type { Constraint } from './constraints/types.js';
export {
  real,
  positive,
  nonNegative,
  unitInterval,
  nonNegativeInteger,
  boolean,
  realVector,
  simplex,
  oneHot,
  ordered,
  lowerCholesky,
  corrCholesky,
  positiveDefinite,
  interval,
  greaterThan,
  lessThan,
  integerInterval,
  independent,
} from './constraints/constraints.js';
export type { ConstraintKind, KindedConstraint } from './constraints/constraints.js';
export { bijectTo, unconstrainedShape, constrainedShape } from './constraints/biject-to.js';

// KL divergences
export { kl } from './kl/kl.js';
export { klMonteCarlo, klMonteCarloWithError } from './kl/monte-carlo.js';
export type { KlEstimate } from './kl/monte-carlo.js';
export { KlNotRegisteredError } from './kl/divergence.js';
export { registerKl, findKl } from './kl/registry.js';
export type { KlFn, DistributionClass } from './kl/registry.js';
