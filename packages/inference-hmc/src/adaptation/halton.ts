/**
 * The base-2 Halton (van der Corput) point of index `i` (0-based, of `i + 1` as BlackJAX's
 * `dynamic_hmc.halton_sequence` counts): reverses the bits of i + 1 after the binary point, so
 * i = 0, 1, 2, 3, … gives 0.5, 0.25, 0.75, 0.125, …, in (0, 1).
 */
export function haltonSequence(i: number): number {
  if (!(Number.isInteger(i) && i >= 0)) throw new RangeError(`haltonSequence: i must be an integer >= 0, got ${i}`);
  let n = i + 1;
  let scale = 0.5;
  let out = 0;
  while (n > 0) {
    if (n % 2 === 1) out += scale;
    n = Math.floor(n / 2);
    scale *= 0.5;
  }
  return out;
}

/**
 * Jittered number of integration steps of step `i` (BlackJAX's `dynamic_hmc` with a Halton
 * jitter): ceil((u_i · jitterAmount + 1 - jitterAmount) · maxSteps), u_i = {@link haltonSequence}(i);
 * at least 1.
 */
export function jitteredIntegrationSteps(i: number, maxSteps: number, jitterAmount = 1): number {
  if (!(maxSteps > 0)) throw new RangeError(`jitteredIntegrationSteps: maxSteps must be > 0, got ${maxSteps}`);
  if (!(jitterAmount >= 0 && jitterAmount <= 1)) throw new RangeError(`jitteredIntegrationSteps: jitterAmount must lie in [0, 1], got ${jitterAmount}`);
  return Math.max(1, Math.ceil((haltonSequence(i) * jitterAmount + 1 - jitterAmount) * maxSteps));
}
