import * as tf from '@tensorflow/tfjs-core';
import { bijectTo, unconstrainedShape, type Bijector, type Constraint, type Distribution, type TensorInput } from '@probdl/distributions';
import { softplus } from '@probdl/tensor-backend';

/** How a latent site is unconstrained: a bijector fixed at construction, or one rebuilt from each run's distribution. */
export type SiteMap = { readonly kind: 'static'; readonly bijector: Bijector } | { readonly kind: 'dynamic' };

/** The full shape of a site's value: sampleShape + batchShape + eventShape. */
export function siteShape(fn: Distribution, sampleShape: readonly number[]): number[] {
  return [...sampleShape, ...fn.batchShape, ...fn.eventShape];
}

function hasKind(c: Constraint): boolean {
  return typeof c === 'object' && c !== null && 'kind' in c;
}

/** Error for a latent site that HMC and VI cannot handle (discrete support). */
export function checkContinuous(name: string, fn: Distribution): void {
  const c = fn.support;
  if (c.discrete) {
    throw new TypeError(
      `logDensity: site '${name}' has discrete support ${c.name}: HMC and VI need continuous latent sites; marginalise it or observe it`,
    );
  }
}

/** The interval bounds of a distribution whose support is a tensor interval (Uniform, TruncatedNormal), unwrapping Expanded / Masked. */
function tensorBounds(fn: Distribution): { low: tf.Tensor; high: tf.Tensor } | undefined {
  let d: unknown = fn;
  for (let i = 0; i < 8 && d; i++) {
    const o = d as { low?: unknown; high?: unknown; distribution?: unknown };
    if (o.low instanceof tf.Tensor && o.high instanceof tf.Tensor) return { low: o.low, high: o.high };
    d = o.distribution;
  }
  return undefined;
}

/**
 * Whether the site's support is a fixed constraint (bijectTo works on it once for all runs) or an
 * interval with tensor bounds (rebuilt from each run's distribution); errors name the site.
 */
export function siteMapKind(name: string, fn: Distribution): 'static' | 'dynamic' {
  checkContinuous(name, fn);
  const c = fn.support;
  if (hasKind(c)) return 'static';
  if (c.name.startsWith('interval[') && c.eventRank === 0 && tensorBounds(fn)) return 'dynamic';
  throw new TypeError(`logDensity: site '${name}' has support '${c.name}', which has no bijection from the reals (bijectTo needs a constraint from @probdl/distributions)`);
}

/** bijectTo(support) with the error naming the site. */
export function staticBijector(name: string, support: Constraint): Bijector {
  try {
    return bijectTo(support);
  } catch (e) {
    throw new TypeError(`logDensity: site '${name}': no bijection onto its support '${support.name}' (${(e as Error).message})`);
  }
}

/** The unconstrained shape of a site's value, errors naming the site. */
export function siteUnconstrainedShape(name: string, support: Constraint, shape: readonly number[]): number[] {
  if (!hasKind(support)) return [...shape];
  try {
    return unconstrainedShape(support, shape);
  } catch (e) {
    throw new RangeError(`logDensity: site '${name}': ${(e as Error).message}`);
  }
}

/**
 * The map from reals onto [low, high] of a tensor interval: low + (high - low)·sigmoid(x), with
 * log|det J| = log(high - low) - softplus(-x) - softplus(x), elementwise.
 */
export function intervalBijector(low: tf.Tensor, high: tf.Tensor): Bijector {
  const range = () => tf.sub(high, low);
  const toT = (x: TensorInput) => (x instanceof tf.Tensor ? x : tf.tensor(x as number));
  return {
    name: 'TensorInterval',
    forwardMinEventRank: 0,
    inverseMinEventRank: 0,
    isConstantJacobian: false,
    forward: (x) => tf.tidy(() => tf.add(low, tf.mul(range(), tf.sigmoid(toT(x))))),
    inverse: (y) =>
      tf.tidy(() => {
        const u = tf.div(tf.sub(toT(y), low), range());
        return tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
      }),
    forwardLogDetJacobian: (x) =>
      tf.tidy(() => {
        const t = toT(x);
        return tf.sub(tf.sub(tf.log(range()), softplus(tf.neg(t))), softplus(t));
      }),
    inverseLogDetJacobian(y) {
      return tf.tidy(() => tf.neg(this.forwardLogDetJacobian(this.inverse(y))));
    },
    forwardEventShape: (s) => [...s],
    inverseEventShape: (s) => [...s],
    dispose: () => undefined,
  };
}

/** The bijector of a site in one run: the kept one, or one built from this run's distribution (the caller disposes it). */
export function runBijector(name: string, map: SiteMap, fn: Distribution): { bijector: Bijector; owned: boolean } {
  if (map.kind === 'static') return { bijector: map.bijector, owned: false };
  const b = tensorBounds(fn);
  if (!b) throw new TypeError(`logDensity: site '${name}': its support '${fn.support.name}' has no tensor bounds to build a bijection from`);
  return { bijector: intervalBijector(b.low, b.high), owned: true };
}

/** A stand-in for a support that depends on the tensors of one run. */
export function describedConstraint(support: Constraint): Constraint {
  return Object.freeze({
    name: `${support.name} (bounds from each run)`,
    eventRank: support.eventRank,
    discrete: support.discrete,
    check(): tf.Tensor {
      throw new Error(`constraint '${support.name}': its bounds are tensors of the model run; check the site's distribution in a trace instead`);
    },
  });
}
