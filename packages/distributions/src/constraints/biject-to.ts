import type { Bijector } from '../bijectors/types.js';
import { Affine } from '../bijectors/affine.js';
import { Chain } from '../bijectors/chain.js';
import { CholeskyOuterProduct } from '../bijectors/cholesky-outer-product.js';
import { CorrCholesky } from '../bijectors/corr-cholesky.js';
import { Exp } from '../bijectors/exp.js';
import { FillScaleTriL } from '../bijectors/fill-scale-tril.js';
import { Identity } from '../bijectors/identity.js';
import { IndependentBijector } from '../bijectors/independent-bijector.js';
import { Ordered } from '../bijectors/ordered.js';
import { Shift } from '../bijectors/shift.js';
import { Sigmoid } from '../bijectors/sigmoid.js';
import { Softplus } from '../bijectors/softplus.js';
import { StickBreaking } from '../bijectors/stick-breaking.js';
import { packedDim, packedLength } from '../bijectors/triangular.js';
import type { KindedConstraint } from './constraints.js';
import type { Constraint } from './types.js';

function kinded(fn: string, c: Constraint): KindedConstraint {
  if (c === null || typeof c !== 'object' || !('kind' in c)) {
    throw new TypeError(`${fn}: argument 'constraint' must be a constraint from @probdl/distributions (with a 'kind'), got ${c === null ? 'null' : typeof c}`);
  }
  return c as KindedConstraint;
}

function discreteError(fn: string, c: KindedConstraint): Error {
  return new TypeError(`${fn}: no bijection onto discrete support '${c.name}'`);
}

/**
 * The bijector from unconstrained reals onto a constraint (what MCMC and VI sample in):
 *
 * | constraint | bijector |
 * |---|---|
 * | real | Identity |
 * | realVector | Identity on vectors (IndependentBijector(Identity, 1)) |
 * | positive, nonNegative | Exp (as NumPyro; TFP uses Softplus for some parameters) |
 * | greaterThan(b) | Chain([Shift(b), Exp]) |
 * | lessThan(b) | Chain([Affine(b, -1), Exp]): y = b - eˣ |
 * | unitInterval | Sigmoid |
 * | interval(a, b) | Chain([Affine(a, b - a), Sigmoid]) |
 * | simplex | StickBreaking (R^{K-1} → K) |
 * | ordered | Ordered |
 * | lowerCholesky | FillScaleTriL with a Softplus diagonal, no shift (R^{d(d+1)/2} → d×d) |
 * | corrCholesky | CorrCholesky (R^{d(d-1)/2} → d×d) |
 * | positiveDefinite | Chain([CholeskyOuterProduct, FillScaleTriL]) (R^{d(d+1)/2} → d×d) |
 * | independent(base, n) | the base's bijector, log-dets summed over n more axes |
 *
 * Discrete constraints (nonNegativeInteger, integerInterval, boolean, oneHot) throw
 * "no bijection onto discrete support". The caller owns the result (`dispose()` it).
 */
export function bijectTo(constraint: Constraint): Bijector {
  const c = kinded('bijectTo', constraint);
  const k = c.kind;
  switch (k.type) {
    case 'real':
      return new Identity();
    case 'realVector':
      return new IndependentBijector(new Identity(), 1);
    case 'positive':
    case 'nonNegative':
      return new Exp();
    case 'greaterThan':
      return new Chain([new Shift({ shift: k.bound }), new Exp()], { codomain: c });
    case 'lessThan':
      return new Chain([new Affine({ shift: k.bound, scale: -1 }), new Exp()], { codomain: c });
    case 'unitInterval':
      return new Sigmoid();
    case 'interval':
      return new Chain([new Affine({ shift: k.low, scale: k.high - k.low }), new Sigmoid()], { codomain: c });
    case 'simplex':
      return new StickBreaking();
    case 'ordered':
      return new Ordered();
    case 'lowerCholesky':
      return new FillScaleTriL({ diagBijector: new Softplus() });
    case 'corrCholesky':
      return new CorrCholesky();
    case 'positiveDefinite':
      return new Chain([new CholeskyOuterProduct(), new FillScaleTriL({ diagBijector: new Softplus() })], { codomain: c });
    case 'independent':
      return new IndependentBijector(bijectTo(k.base), k.reinterpreted);
    case 'nonNegativeInteger':
    case 'integerInterval':
    case 'boolean':
    case 'oneHot':
      throw discreteError('bijectTo', c);
    default: {
      const never: never = k;
      throw new TypeError(`bijectTo: unknown constraint kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The shape of the unconstrained value for a constrained event shape (what `bijectTo(c).inverse`
 * returns for one event), computed without creating a bijector: the model package uses it for the
 * flat size of a site. simplex [..., K] → [..., K-1]; lowerCholesky and positiveDefinite
 * [..., d, d] → [..., d(d+1)/2]; corrCholesky [..., d, d] → [..., d(d-1)/2]; others unchanged.
 */
export function unconstrainedShape(constraint: Constraint, eventShape: readonly number[]): number[] {
  const c = kinded('unconstrainedShape', constraint);
  const k = c.kind;
  const need = (rank: number) => {
    if (eventShape.length < rank) {
      throw new RangeError(`unconstrainedShape: event shape [${eventShape.join(', ')}] has rank below ${rank}, the event rank of '${c.name}'`);
    }
  };
  const square = () => {
    need(2);
    const d = eventShape[eventShape.length - 1]!;
    if (eventShape[eventShape.length - 2] !== d) throw new RangeError(`unconstrainedShape: '${c.name}' needs a square event shape [..., d, d], got [${eventShape.join(', ')}]`);
    return d;
  };
  switch (k.type) {
    case 'simplex': {
      need(1);
      const n = eventShape[eventShape.length - 1]!;
      if (n < 1) throw new RangeError(`unconstrainedShape: '${c.name}' needs a non-empty last dimension, got [${eventShape.join(', ')}]`);
      return [...eventShape.slice(0, -1), n - 1];
    }
    case 'lowerCholesky':
    case 'positiveDefinite':
      return [...eventShape.slice(0, -2), packedLength(square(), false)];
    case 'corrCholesky':
      return [...eventShape.slice(0, -2), packedLength(square(), true)];
    case 'independent':
      need(c.eventRank);
      return unconstrainedShape(k.base, eventShape);
    case 'nonNegativeInteger':
    case 'integerInterval':
    case 'boolean':
    case 'oneHot':
      throw discreteError('unconstrainedShape', c);
    default:
      need(c.eventRank);
      return [...eventShape];
  }
}

/** The constrained event shape for an unconstrained one (the inverse of {@link unconstrainedShape}). */
export function constrainedShape(constraint: Constraint, unconstrainedEventShape: readonly number[]): number[] {
  const c = kinded('constrainedShape', constraint);
  const k = c.kind;
  const s = unconstrainedEventShape;
  switch (k.type) {
    case 'simplex':
      if (s.length < 1) throw new RangeError(`constrainedShape: '${c.name}' needs rank >= 1, got [${s.join(', ')}]`);
      return [...s.slice(0, -1), s[s.length - 1]! + 1];
    case 'lowerCholesky':
    case 'positiveDefinite': {
      const d = packedDim('constrainedShape', 'unconstrainedEventShape', s, false);
      return [...s.slice(0, -1), d, d];
    }
    case 'corrCholesky': {
      const d = packedDim('constrainedShape', 'unconstrainedEventShape', s, true);
      return [...s.slice(0, -1), d, d];
    }
    case 'independent':
      return constrainedShape(k.base, s);
    case 'nonNegativeInteger':
    case 'integerInterval':
    case 'boolean':
    case 'oneHot':
      throw discreteError('constrainedShape', c);
    default:
      return [...s];
  }
}
