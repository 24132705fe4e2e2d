import { loadFitsTable, parseFitsTable, type FitsTable, type FitsTableOptions } from '../loaders/fits.js';
import { CLUSTER_FEATURES, type ClusterCatalogue } from './catalogue.js';

/** The real table's columns that the tutorial reads, in the order of its 14 features (Ngal and sigv are logged). */
const SOURCE = ['Ngal', 'sigv', 'R_mean', 'R_std', 'R_skew', 'R_kurt', 'm_mean', 'm_std', 'm_skew', 'm_kurt', 'v_mean', 'v_std', 'v_skew', 'v_kurt'];

/**
 * Maps a FITS table with the real catalogue's columns (`M200c`, `Ngal`, `sigv` and the 12 moment
 * columns `R_mean` … `v_kurt`; others are ignored) to a {@link ClusterCatalogue}, as the tutorial does:
 * `LogNgal = log10(Ngal)`, `Logsigv = log10(sigv)`, `logmass = log10(M200c)`.
 *
 * @param name - a name for error messages.
 * @throws Error naming a missing column, a vector column, or the row of a non-positive M200c/Ngal/sigv or a non-finite value.
 */
export function clusterCatalogueFromTable(table: FitsTable, name = 'fits'): ClusterCatalogue {
  const need = ['M200c', ...SOURCE];
  for (const c of need) {
    if (!(c in table.data)) throw new Error(`${name}: the table has no column '${c}' (columns: ${table.columns.join(', ')})`);
    if (!(table.data[c] instanceof Float64Array) || table.repeat[c] !== 1) throw new Error(`${name}: column '${c}' must be a scalar number column`);
  }
  const n = table.rows;
  const F = SOURCE.length;
  const features = new Float64Array(n * F);
  const logMass = new Float64Array(n);
  const cols = need.map((c) => table.data[c] as Float64Array);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < need.length; j++) {
      const v = cols[j]![r]!;
      const positive = j <= 2;
      if (!Number.isFinite(v) || (positive && v <= 0)) {
        throw new Error(`${name}: column '${need[j]}' row ${r + 1}: ${v} is not ${positive ? 'a positive finite number' : 'finite'}`);
      }
    }
    logMass[r] = Math.log10(cols[0]![r]!);
    features[r * F] = Math.log10(cols[1]![r]!);
    features[r * F + 1] = Math.log10(cols[2]![r]!);
    for (let j = 2; j < F; j++) features[r * F + j] = cols[j + 1]![r]!;
  }
  return { count: n, columns: [...CLUSTER_FEATURES], features, logMass };
}

/**
 * Loads the real cluster-mass table (`Rockstar_UM_z=0.117_contam_summary.fits`, for a user who has
 * it) as a {@link ClusterCatalogue}, the same shape as {@link clusterCatalogue}'s, so
 * {@link prepareClusterMass} works on either. See {@link clusterCatalogueFromTable} for the mapping.
 *
 * @param pathOrBytes - a file path (Node) or the file's bytes.
 */
export async function loadClusterMassFits(pathOrBytes: string | Uint8Array | ArrayBuffer, options: FitsTableOptions = {}): Promise<ClusterCatalogue> {
  const name = options.name ?? (typeof pathOrBytes === 'string' ? pathOrBytes : 'fits');
  const table = typeof pathOrBytes === 'string' ? await loadFitsTable(pathOrBytes, options) : parseFitsTable(pathOrBytes, { ...options, name });
  return clusterCatalogueFromTable(table, name);
}
