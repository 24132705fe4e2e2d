import { Expanded, type Distribution } from '@probdl/distributions';
import type { PlateFrame } from '../types.js';
import { sameShape } from './tensors.js';

/**
 * The batch shape a sample site needs inside its plates: each plate's subsample size at its dim
 * (counted from the right of the batch shape), broadcast with the distribution's own batch shape.
 * Dimensions left of every plate (a leading batch of positions, say) are kept as they are.
 */
export function plateBatchShape(name: string, batchShape: readonly number[], plates: readonly PlateFrame[]): number[] {
  if (plates.length === 0) return [...batchShape];
  const rank = Math.max(batchShape.length, ...plates.map((f) => -f.dim));
  const out = [...new Array(rank - batchShape.length).fill(1), ...batchShape];
  for (const f of plates) {
    const i = rank + f.dim;
    const d = out[i]!;
    if (d !== 1 && d !== f.subsampleSize) {
      throw new RangeError(
        `sample site '${name}': its batch shape [${batchShape.join(', ')}] has ${d} at dim ${f.dim}, where plate '${f.name}' needs ${f.subsampleSize} (or 1 to broadcast)` +
          (batchShape.length > 0 && batchShape.length >= -f.dim
            ? '; if its leading dims are a batch of positions or samples, the model must broadcast over them (e.g. expandDims(latent, -1) so they stay left of the plate dims)'
            : ''),
      );
    }
    out[i] = f.subsampleSize;
  }
  return out;
}

/** The distribution expanded over the active plates (unchanged when its batch shape already fits). */
export function expandOverPlates(name: string, dist: Distribution, plates: readonly PlateFrame[]): Distribution {
  const target = plateBatchShape(name, dist.batchShape, plates);
  return sameShape(target, dist.batchShape) ? dist : new Expanded({ distribution: dist, batchShape: target });
}
