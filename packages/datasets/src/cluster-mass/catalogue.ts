import { foldIn, split, type PRNGKey } from '@probdl/tensor-backend';
import { HostStream } from './host-stream.js';
import { moments4, sampleStd } from './moments.js';
import { nfwQuantiles } from './nfw.js';
import {
  APERTURE,
  CENTRAL,
  CONC_SCATTER_DEX,
  MEAN_INTERLOPERS,
  MIN_RICHNESS,
  SIGMA_LOS_SCATTER_LN,
  VMAX,
  concentration,
  meanSatellites,
  r200c,
  sigmaLos,
} from './physics.js';
import { massTable, stellarMassTable } from './tables.js';

/** The 14 features of the tutorial, in its order (DATASET_DESCRIPTION.md). */
export const CLUSTER_FEATURES = [
  'LogNgal',
  'Logsigv',
  'R_mean',
  'R_std',
  'R_skew',
  'R_kurt',
  'm_mean',
  'm_std',
  'm_skew',
  'm_kurt',
  'v_mean',
  'v_std',
  'v_skew',
  'v_kurt',
] as const;

/** Number of features, 14. */
export const CLUSTER_FEATURE_COUNT = CLUSTER_FEATURES.length;

/**
 * A cluster catalogue: the tutorial's 14 features and target, column-named, in float64 on the host.
 * Produced by {@link clusterCatalogue} (synthetic) or {@link loadClusterMassFits} (the real table).
 */
export interface ClusterCatalogue {
  /** Number of clusters (rows). */
  readonly count: number;
  /** The 14 feature names, {@link CLUSTER_FEATURES}. */
  readonly columns: readonly string[];
  /** Row-major `count × 14` features, in the order of `columns`. */
  readonly features: Float64Array;
  /** The target log10 M200c (h⁻¹ M☉), one per row. */
  readonly logMass: Float64Array;
  /** Synthetic only: the sample standard deviation (ddof 1, km/s) of the true members' velocities (no interlopers); NaN if fewer than 2 members. */
  readonly sigvMembers?: Float64Array;
  /** Synthetic only: the number of true members (central and satellites) inside the cylinder. */
  readonly nMembers?: Int32Array;
}

/** Options of {@link clusterCatalogue}. */
export interface ClusterCatalogueOptions {
  /** Number of clusters, a positive integer. Default 261,287 (the tutorial's table). */
  count?: number;
  /** Include interlopers (the "contaminated" catalogue). Default true; false gives pure-member features. */
  interlopers?: boolean;
}

const BLOCK = 1024;

/**
 * A synthetic stand-in for the tutorial's cluster-mass table (`Rockstar_UM_z=0.117_contam_summary.fits`,
 * not public), made on the host in float64 from `key` by the recipe of the mock behind it:
 *
 * 1. a host halo with log10 M200c from the mass function dn/dlogM ∝ M^−1 exp(−M / 4.4e14) above 10^13.5;
 * 2. an NFW profile with the Duffy et al. 2008 concentration (0.15 dex scatter), truncated at r200c;
 *    a line-of-sight dispersion σ = b_v σ_DM(M) e^{0.08 N(0,1)} with σ_DM of Evrard et al. 2008 (∝ M^0.3361);
 * 3. a central galaxy (R = 0, v = 0) and Poisson(M / 10^12.4) satellites at NFW radii seen along a
 *    random direction, with Gaussian velocities, kept if inside the cylinder R < 1.6 h⁻¹Mpc, |v| < 2200 km/s;
 * 4. Poisson(7.7) interlopers uniform in the cylinder (so the interloper fraction falls with mass);
 * 5. stellar masses (log10 M☉ above 9.5) from the Baldry et al. 2012 double Schechter function;
 * 6. clusters with fewer than 10 galaxies in the cylinder are dropped (the mock's richness cut);
 * 7. features: log10 Ngal, log10 σ_v (sample std, ddof 1, of all velocities in the cylinder), and the
 *    mean, std (ddof 0), skewness and excess kurtosis (scipy's biased estimators) of the projected radius
 *    R (h⁻¹Mpc), log10 stellar mass and velocity (km/s, relative to the halo).
 *
 * Every number and its source is in `physics.ts` and the README. Candidate haloes are drawn in blocks
 * of 1024 from `foldIn(key, block)`, so a smaller `count` gives a prefix of a larger catalogue from the
 * same key. Per galaxy nothing is allocated; moments are computed from reused scratch arrays.
 *
 * @param key - the PRNG key; the same key gives a bit-identical catalogue.
 * @throws RangeError if `count` is not a positive integer.
 */
export function clusterCatalogue(key: PRNGKey, options: ClusterCatalogueOptions = {}): ClusterCatalogue {
  const count = options.count ?? 261_287;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`clusterCatalogue: options.count must be a positive integer, got ${String(count)}`);
  const withInterlopers = options.interlopers ?? true;
  const [kHalo] = split(key, 1) as [PRNGKey];
  const F = CLUSTER_FEATURE_COUNT;
  const features = new Float64Array(count * F);
  const logMass = new Float64Array(count);
  const sigvMembers = new Float64Array(count);
  const nMembers = new Int32Array(count);
  const masses = massTable();
  const stellar = stellarMassTable();
  const nfw = nfwQuantiles();

  let capacity = 4096;
  let R = new Float64Array(capacity);
  let V = new Float64Array(capacity);
  let LM = new Float64Array(capacity);
  let VM = new Float64Array(capacity);
  const grow = (need: number): void => {
    while (capacity < need) capacity *= 2;
    const r = new Float64Array(capacity);
    r.set(R);
    const v = new Float64Array(capacity);
    v.set(V);
    const lm = new Float64Array(capacity);
    lm.set(LM);
    const vm = new Float64Array(capacity);
    vm.set(VM);
    [R, V, LM, VM] = [r, v, lm, vm];
  };

  let row = 0;
  for (let block = 0; row < count; block++) {
    const s = new HostStream(foldIn(kHalo, block));
    for (let h = 0; h < BLOCK && row < count; h++) {
      const lm = masses.sample(s.uniform());
      const m = 10 ** lm;
      const rvir = r200c(m);
      const c = concentration(m) * 10 ** (CONC_SCATTER_DEX * s.normal());
      nfw.select(c);
      const sig = sigmaLos(m) * Math.exp(SIGMA_LOS_SCATTER_LN * s.normal());
      const nSat = s.poisson(meanSatellites(m));
      const nInt = withInterlopers ? s.poisson(MEAN_INTERLOPERS) : 0;
      if (1 + nSat + nInt > capacity) grow(1 + nSat + nInt);

      // The central galaxy.
      let n = 0;
      R[0] = 0;
      V[0] = 0;
      LM[0] = CENTRAL.at14 + CENTRAL.slope * (lm - 14) + CENTRAL.scatterDex * s.normal();
      VM[0] = 0;
      n = 1;
      for (let i = 0; i < nSat; i++) {
        const r = rvir * nfw.sample(s.uniform());
        const mu = 2 * s.uniform() - 1;
        const rp = r * Math.sqrt(1 - mu * mu);
        const v = sig * s.normal();
        if (rp >= APERTURE || v >= VMAX || v <= -VMAX) continue;
        R[n] = rp;
        V[n] = v;
        LM[n] = stellar.sample(s.uniform());
        VM[n] = v;
        n++;
      }
      const members = n;
      for (let i = 0; i < nInt; i++) {
        R[n] = APERTURE * Math.sqrt(s.uniform());
        V[n] = VMAX * (2 * s.uniform() - 1);
        LM[n] = stellar.sample(s.uniform());
        n++;
      }
      if (n < MIN_RICHNESS) continue;

      const o = row * F;
      features[o] = Math.log10(n);
      features[o + 1] = Math.log10(sampleStd(V, n));
      moments4(R, n, features, o + 2);
      moments4(LM, n, features, o + 6);
      moments4(V, n, features, o + 10);
      logMass[row] = lm;
      sigvMembers[row] = sampleStd(VM, members);
      nMembers[row] = members;
      row++;
    }
  }
  return { count, columns: [...CLUSTER_FEATURES], features, logMass, sigvMembers, nMembers };
}
