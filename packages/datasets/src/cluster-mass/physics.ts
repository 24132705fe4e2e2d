/**
 * The physical model of the synthetic cluster-mass catalogue: every number used, with its source.
 * Units: masses in h⁻¹ M☉ (haloes) and M☉ (stellar), lengths in h⁻¹ Mpc, velocities in km/s.
 *
 * The recipe follows the mock behind the tutorial's table (halo_cnn `mocks/make_mocks.py`, described
 * in ../shared/reference/cluster-masses/DATASET_DESCRIPTION.md): MDPL2 host haloes at z = 0.117 above
 * 10^13.5 h⁻¹ M☉, galaxies above 10^9.5 M☉, richness ≥ 10, a cylinder of 1.6 h⁻¹ Mpc and ±2200 km/s.
 * Where the simulation is replaced by a formula the formula is cited; where a number was chosen to
 * reproduce a statistic of the real catalogue, that is said.
 */

/** Redshift of the MDPL2 snapshot 120 used by the mock (description). */
export const REDSHIFT = 0.117;
/** MDPL2 (Planck 2013) matter density, Klypin et al. 2016 (description). */
export const OMEGA_M = 0.307115;
/** MDPL2 dark-energy density (description). */
export const OMEGA_L = 0.692885;
/** E(z) = H(z)/H0 for flat ΛCDM at {@link REDSHIFT}: 1.0587. */
export const E_Z = Math.sqrt(OMEGA_M * (1 + REDSHIFT) ** 3 + OMEGA_L);
/** Critical density today, 2.775e11 h² M☉ Mpc⁻³ (= 3 H0² / 8πG), times E(z)²: h⁻¹M☉ / (h⁻¹Mpc)³. */
export const RHO_CRIT = 2.77536627e11 * E_Z * E_Z;

/** Lower host mass, log10 M200c (description: M > 10^13.5 h⁻¹ M☉). */
export const LOG_M_MIN = 13.5;
/** Upper end of the sampled mass range (the exponential cut-off makes anything above negligible). */
export const LOG_M_MAX = 15.8;
/**
 * Mass function dn/dlog10M ∝ M^-α exp(-M/M*) (a Schechter-like stand-in for the Tinker et al. 2008
 * function). α and M* were chosen (solved for, not fitted to a simulation) so that the cumulative
 * abundance ratios are round numbers typical of M200c haloes in a Planck-cosmology box such as
 * MDPL2 at low redshift: n(>10^14)/n(>10^13.5) = 0.220 and n(>10^15)/n(>10^14) = 0.0049. Then about
 * 280 of 261,287 clusters lie above 10^15 and about 9 above 10^15.3 (the tutorial's plots end at 15.3).
 * Its local log-slope d log n / d log M is −1.24 on average over 10^13.7–10^14.3.
 */
export const MF_ALPHA = 1.0;
/** Exponential cut-off mass M* of the mass function, h⁻¹ M☉ (see {@link MF_ALPHA}). */
export const MF_MSTAR = 4.4e14;

/** r200c in h⁻¹ Mpc: the radius inside which the mean density is 200 ρc(z). */
export function r200c(m: number): number {
  return Math.cbrt((3 * m) / (4 * Math.PI * 200 * RHO_CRIT));
}

/** Duffy et al. 2008 (MNRAS 390, L64), Table 1, full sample, M200c: c = A (M / 2e12)^B (1+z)^C. */
export const DUFFY_A = 5.71;
/** Duffy et al. 2008 mass exponent B. */
export const DUFFY_B = -0.084;
/** Duffy et al. 2008 redshift exponent C. */
export const DUFFY_C = -0.47;
/** Lognormal scatter of the concentration, dex (Duffy et al. 2008: σ(log10 c) ≈ 0.15 for the full sample). */
export const CONC_SCATTER_DEX = 0.15;

/** Median concentration c200c(M) of Duffy et al. 2008. */
export function concentration(m: number): number {
  return DUFFY_A * (m / 2e12) ** DUFFY_B * (1 + REDSHIFT) ** DUFFY_C;
}

/**
 * Dark-matter velocity dispersion (1-D) of Evrard et al. 2008 (ApJ 672, 122), eq. 6:
 * σ_DM = 1082.9 km/s (h(z) M200c / 1e15 M☉)^0.3361, i.e. with M in h⁻¹M☉, (E(z) M / 1e15)^0.3361.
 */
export const EVRARD_SIGMA15 = 1082.9;
/** Evrard et al. 2008 slope α = 0.3361 ± 0.0026 (the virial 1/3). */
export const EVRARD_SLOPE = 0.3361;
/** Galaxy velocity bias b_v = σ_gal / σ_DM (≈ 1 for galaxies above 10^9.5; e.g. Munari et al. 2013). */
export const VELOCITY_BIAS = 1.0;
/**
 * Halo-to-halo lognormal scatter of the line-of-sight dispersion at fixed mass, in ln units: Evrard
 * et al.'s 4% intrinsic 3-D scatter plus the projection of triaxial haloes and velocity anisotropy
 * (White, Cohn & Smit 2010 find ~10–15% for a single line of sight). 0.08 was chosen so that the
 * pure-member M–σ power law has 0.14–0.16 dex mass scatter for 10^14–10^15 (Ho et al.'s evaluation
 * gives 0.141 and 0.183; table in the description).
 */
export const SIGMA_LOS_SCATTER_LN = 0.08;

/** Mean line-of-sight velocity dispersion of the member galaxies of a halo of mass m, km/s. */
export function sigmaLos(m: number): number {
  return VELOCITY_BIAS * EVRARD_SIGMA15 * ((E_Z * m) / 1e15) ** EVRARD_SLOPE;
}

/**
 * Satellite occupation above the stellar-mass limit: ⟨N_sat⟩ = (M / M1)^a, the power-law term of the
 * HOD of Zehavi et al. 2011 (ApJ 736, 59; a ≈ 1 for samples near this limit). M1 = 10^12.4 h⁻¹M☉:
 * Zehavi et al. give M1 ≈ 10^12.6–12.7 for Mr < −19 (roughly M* > 10^9.5 M☉) in their halo-mass
 * definition; 10^12.4 in M200c was chosen so that a 10^13.5 host has ⟨N_sat⟩ ≈ 12.6 and nearly all
 * hosts pass the richness cut, as in the mock. Poisson scatter about the mean, so log Ngal rises
 * linearly with log M.
 */
export const HOD_LOG_M1 = 12.4;
/** Slope a of the satellite occupation (Zehavi et al. 2011). */
export const HOD_SLOPE = 1.0;

/** Mean number of satellites above the stellar-mass limit in a halo of mass m. */
export function meanSatellites(m: number): number {
  return (m / 10 ** HOD_LOG_M1) ** HOD_SLOPE;
}

/** Stellar-mass limit of the galaxies, log10 M☉ (description: observed stellar mass > 10^9.5). */
export const LOG_MSTAR_MIN = 9.5;
/** Upper end of the sampled stellar masses, log10 M☉. */
export const LOG_MSTAR_MAX = 12.5;
/**
 * Galaxy stellar-mass function: the double Schechter fit of Baldry et al. 2012 (MNRAS 421, 621,
 * GAMA, z < 0.06): log M* = 10.66, φ1 = 3.96e-3, α1 = −0.35, φ2 = 0.79e-3, α2 = −1.47 (Mpc⁻³ dex⁻¹,
 * h = 0.7). Used for satellites and interlopers alike.
 */
export const SMF = { logMstar: 10.66, phi1: 3.96e-3, alpha1: -0.35, phi2: 0.79e-3, alpha2: -1.47 } as const;

/** dn/dlog10 M* of {@link SMF} at log10 stellar mass `l` (Mpc⁻³ dex⁻¹, h = 0.7). */
export function smfDensity(l: number): number {
  const x = 10 ** (l - SMF.logMstar);
  return Math.LN10 * Math.exp(-x) * (SMF.phi1 * x ** (SMF.alpha1 + 1) + SMF.phi2 * x ** (SMF.alpha2 + 1));
}

/**
 * Central galaxy: log10 M*_c = 11.1 + 0.35 (log10 M − 14) with 0.2 dex scatter, a rough high-mass
 * stellar-to-halo-mass relation (Behroozi et al. 2013, ApJ 770, 57: slope ≈ 0.3–0.4 above 10^13,
 * scatter ≈ 0.2 dex). The central sits at R = 0 with the halo's velocity.
 */
export const CENTRAL = { at14: 11.1, slope: 0.35, scatterDex: 0.2 } as const;

/** Cylinder radius, h⁻¹ Mpc (description: the "medium" cut). */
export const APERTURE = 1.6;
/** Cylinder half-depth in velocity, km/s (description: the "medium" cut). */
export const VMAX = 2200;
/**
 * Interlopers: galaxies of the field above 10^9.5 M☉, uniform in the cylinder. Their mean number is
 * n̄ V (1 + B), with n̄ = 0.023 h³ Mpc⁻³ (the integral of {@link SMF} above 10^9.5, 7.9e-3 Mpc⁻³ at
 * h = 0.7), V = π 1.6² × 2 × 2200 / (100 E(z)) ≈ 334 (h⁻¹Mpc)³ (the velocity window mapped to depth
 * by the Hubble flow), so n̄ V ≈ 7.7 per cylinder, with B = 0 (no extra correlated structure: with
 * the uncorrelated field alone the contaminated M–σ power law already has ≈ 0.33–0.37 dex mass scatter
 * for 10^14–10^15, Ho et al.'s 0.372). The number does not depend on the host mass, so the
 * interloper fraction of a cluster, 7.7 / (7.7 + 1 + ⟨N_sat⟩), falls with mass: 36% at 10^13.5,
 * 16% at 10^14, 6% at 10^14.5, 2% at 10^15.
 */
export const INTERLOPER_DENSITY = 0.023;
/** Correlated-structure boost B of the interloper count (see {@link INTERLOPER_DENSITY}). */
export const INTERLOPER_BOOST = 0;
/** Cylinder volume in (h⁻¹ Mpc)³. */
export const CYLINDER_VOLUME = Math.PI * APERTURE * APERTURE * ((2 * VMAX) / (100 * E_Z));
/** Mean number of interlopers per cylinder. */
export const MEAN_INTERLOPERS = INTERLOPER_DENSITY * CYLINDER_VOLUME * (1 + INTERLOPER_BOOST);

/** Minimum richness: clusters with fewer than 10 galaxies in the cylinder are not catalogued (description). */
export const MIN_RICHNESS = 10;

/**
 * Every number of the synthetic cluster-mass model, for reference (the README gives the sources).
 * Read-only; changing it does not change `clusterCatalogue`.
 */
export const CLUSTER_MASS_PHYSICS = Object.freeze({
  redshift: REDSHIFT,
  omegaM: OMEGA_M,
  omegaL: OMEGA_L,
  eZ: E_Z,
  logMassRange: [LOG_M_MIN, LOG_M_MAX] as const,
  massFunction: { alpha: MF_ALPHA, mStar: MF_MSTAR },
  concentration: { a: DUFFY_A, b: DUFFY_B, c: DUFFY_C, scatterDex: CONC_SCATTER_DEX },
  velocity: { sigma15: EVRARD_SIGMA15, slope: EVRARD_SLOPE, bias: VELOCITY_BIAS, scatterLn: SIGMA_LOS_SCATTER_LN },
  hod: { logM1: HOD_LOG_M1, slope: HOD_SLOPE },
  stellarMassFunction: SMF,
  logStellarMassRange: [LOG_MSTAR_MIN, LOG_MSTAR_MAX] as const,
  central: CENTRAL,
  aperture: APERTURE,
  vmax: VMAX,
  interlopers: { density: INTERLOPER_DENSITY, boost: INTERLOPER_BOOST, cylinderVolume: CYLINDER_VOLUME, mean: MEAN_INTERLOPERS },
  minRichness: MIN_RICHNESS,
});
