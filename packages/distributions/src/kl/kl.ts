import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distribution.js';
import { registerBuiltinKls } from './builtin.js';
import { klDivergence } from './divergence.js';

// Module-load registration: whoever imports `kl` gets the built-in table (no reliance on a
// side-effect-only import, which `"sideEffects": false` would let a bundler drop).
registerBuiltinKls();

/**
 * KL(p || q) in closed form, from the one KL table (`registerKl` adds pairs; subclasses use their
 * parents' entries). The result has the broadcast batch shape of p and q and is a fresh tensor the
 * caller owns; gradients flow to both distributions' parameter tensors.
 *
 * @throws KlNotRegisteredError naming both families when no closed form is registered
 *   ("no closed-form KL(Gamma || Normal) is registered; use klMonteCarlo(p, q, key, n)");
 *   RangeError naming both batch shapes when they do not broadcast, or when the event shapes differ.
 */
export function kl(p: Distribution, q: Distribution): tf.Tensor {
  registerBuiltinKls(); // a no-op after the first call; guards against a bundler that drops the call above.
  return klDivergence(p, q);
}
