import type { KernelInfo, StepSize } from '../types.js';

/**
 * The draws of one site, row-major with shape `[chains, draws, ...siteShape]` (a scalar site has
 * shape `[chains, draws]`).
 */
export interface SiteDraws {
  /** Row-major values, `chains · draws · prod(siteShape)` of them. */
  readonly values: Float64Array;
  /** `[chains, draws, ...siteShape]`. */
  readonly shape: readonly number[];
}

/** Posterior draws by site name, every site shaped `[chains, draws, ...siteShape]`. */
export type Draws = Record<string, SiteDraws>;

/**
 * Per-chain, per-draw sampler statistics, each array row-major `[chains, draws]`.
 */
export interface SampleStats {
  /** Number of chains. */
  readonly numChains: number;
  /** Draws per chain. */
  readonly numDraws: number;
  /** Mean Metropolis acceptance probability of each transition. */
  readonly acceptanceRate: Float64Array;
  /** 1 where the transition diverged. */
  readonly isDivergent: Uint8Array;
  /** Hamiltonian at the accepted point (for E-BFMI). */
  readonly energy: Float64Array;
  /** Leapfrog steps (gradient evaluations) of each transition. */
  readonly numIntegrationSteps: Int32Array;
  /** NUTS tree depth of each transition (absent for static HMC). */
  readonly treeDepth?: Int32Array;
  /** Step size used by each transition. */
  readonly stepSize: Float64Array;
  /** Log density (CmdStan's `lp__`, ArviZ's `lp`) at each draw, when recorded. */
  readonly logDensity?: Float64Array;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Number of scalar elements of one draw of a site (`prod(siteShape)`). */
export function siteSize(site: SiteDraws): number {
  return product(site.shape.slice(2));
}

/**
 * Checks a site's layout and returns `{ numChains, numDraws, siteShape, size }`. Throws naming
 * `name` when the shape has fewer than two axes or disagrees with the number of values.
 */
export function siteLayout(
  name: string,
  site: SiteDraws,
): { numChains: number; numDraws: number; siteShape: number[]; size: number } {
  if (site.shape.length < 2) {
    throw new Error(`draws '${name}': shape [${site.shape.join(', ')}] must be [chains, draws, ...siteShape]`);
  }
  if (product(site.shape) !== site.values.length) {
    throw new Error(
      `draws '${name}': shape [${site.shape.join(', ')}] needs ${product(site.shape)} values, got ${site.values.length}`,
    );
  }
  const [numChains = 0, numDraws = 0, ...siteShape] = site.shape;
  return { numChains, numDraws, siteShape, size: product(siteShape) };
}

/**
 * The `[chains, draws]` row-major series of element `index` (flat, row-major within the site
 * shape) of a site.
 */
export function siteElement(site: SiteDraws, index: number): Float64Array {
  const { numChains, numDraws, size } = siteLayout('site', site);
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new Error(`siteElement: index ${index} outside a site of ${size} elements`);
  }
  const out = new Float64Array(numChains * numDraws);
  for (let i = 0; i < numChains * numDraws; i++) out[i] = site.values[i * size + index] ?? NaN;
  return out;
}

/** Row-major multi-index of flat element `index` in `shape`. */
export function unravelIndex(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let k = shape.length - 1; k >= 0; k--) {
    const n = shape[k] ?? 1;
    out[k] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/**
 * NumPyro-style element names, 0-based and row-major: `'beta'` for a scalar site, `'beta[0]'`,
 * `'beta[1]'`, ... for a vector, `'L[0,1]'` for a matrix.
 */
export function elementNames(name: string, siteShape: readonly number[]): string[] {
  const size = product(siteShape);
  if (siteShape.length === 0) return [name];
  return Array.from({ length: size }, (_, i) => `${name}[${unravelIndex(i, siteShape).join(',')}]`);
}

/**
 * Stacks per-chain draws into {@link Draws}: `chains[c][name]` has shape `[draws, ...siteShape]`;
 * every chain must have the same sites, draws and site shapes.
 */
export function drawsFromChains(chains: readonly Record<string, SiteDraws>[]): Draws {
  const first = chains[0];
  if (first === undefined) throw new Error('drawsFromChains: chains is empty');
  const out: Draws = {};
  for (const name of Object.keys(first)) {
    const ref = first[name];
    if (ref === undefined) continue;
    const perChain = ref.values.length;
    const values = new Float64Array(perChain * chains.length);
    chains.forEach((chain, c) => {
      const site = chain[name];
      if (site === undefined) throw new Error(`drawsFromChains: chain ${c} lacks site '${name}'`);
      if (site.shape.join(',') !== ref.shape.join(',') || site.values.length !== perChain) {
        throw new Error(
          `drawsFromChains: site '${name}' of chain ${c} has shape [${site.shape.join(', ')}], chain 0 has [${ref.shape.join(', ')}]`,
        );
      }
      values.set(site.values, c * perChain);
    });
    out[name] = { values, shape: [chains.length, ...ref.shape] };
  }
  return out;
}

/**
 * Collects per-step {@link KernelInfo} (each `[C]`) into {@link SampleStats} (`[C, N]`).
 * `stepSize` is one value for every step or one per step; `logDensity` optionally one `[C]`
 * array per step.
 */
export function sampleStatsFromInfos(
  infos: readonly KernelInfo[],
  stepSize: StepSize | readonly StepSize[],
  logDensity?: readonly Float64Array[],
): SampleStats {
  const numDraws = infos.length;
  const numChains = infos[0]?.acceptanceRate.length ?? 0;
  const n = numChains * numDraws;
  const acceptanceRate = new Float64Array(n);
  const isDivergent = new Uint8Array(n);
  const energy = new Float64Array(n);
  const numIntegrationSteps = new Int32Array(n);
  const hasDepth = infos.every((info) => info.treeDepth !== undefined) && numDraws > 0;
  const treeDepth = hasDepth ? new Int32Array(n) : undefined;
  const steps = new Float64Array(n);
  const lp = logDensity === undefined ? undefined : new Float64Array(n);
  if (logDensity !== undefined && logDensity.length !== numDraws) {
    throw new Error(`sampleStatsFromInfos: logDensity has ${logDensity.length} steps, infos has ${numDraws}`);
  }
  infos.forEach((info, t) => {
    if (info.acceptanceRate.length !== numChains) {
      throw new Error(`sampleStatsFromInfos: info ${t} has ${info.acceptanceRate.length} chains, info 0 has ${numChains}`);
    }
    const eps: StepSize = Array.isArray(stepSize) ? ((stepSize as readonly StepSize[])[t] ?? NaN) : (stepSize as StepSize);
    for (let c = 0; c < numChains; c++) {
      const i = c * numDraws + t;
      acceptanceRate[i] = info.acceptanceRate[c] ?? NaN;
      isDivergent[i] = info.isDivergent[c] ?? 0;
      energy[i] = info.energy[c] ?? NaN;
      numIntegrationSteps[i] = info.numIntegrationSteps[c] ?? 0;
      if (treeDepth !== undefined) treeDepth[i] = info.treeDepth?.[c] ?? 0;
      steps[i] = typeof eps === 'number' ? eps : (eps[c] ?? NaN);
      if (lp !== undefined) lp[i] = logDensity?.[t]?.[c] ?? NaN;
    }
  });
  return {
    numChains,
    numDraws,
    acceptanceRate,
    isDivergent,
    energy,
    numIntegrationSteps,
    stepSize: steps,
    ...(treeDepth === undefined ? {} : { treeDepth }),
    ...(lp === undefined ? {} : { logDensity: lp }),
  };
}

/**
 * Concatenates {@link Draws} along the chain axis (e.g. chains read back one by one with
 * `fromCmdStanCsv`): every part must have the same sites, draws and site shapes.
 */
export function concatChains(parts: readonly Draws[]): Draws {
  const first = parts[0];
  if (first === undefined) throw new Error('concatChains: parts is empty');
  const out: Draws = {};
  for (const name of Object.keys(first)) {
    const sites = parts.map((p, i) => {
      const site = p[name];
      if (site === undefined) throw new Error(`concatChains: part ${i} lacks site '${name}'`);
      const l = siteLayout(name, site);
      const ref = first[name]?.shape.slice(1).join(',');
      if (site.shape.slice(1).join(',') !== ref) {
        throw new Error(`concatChains: site '${name}' of part ${i} has shape [${site.shape.join(', ')}], part 0 has [${first[name]?.shape.join(', ') ?? ''}]`);
      }
      return { site, chains: l.numChains };
    });
    const values = new Float64Array(sites.reduce((a, s) => a + s.site.values.length, 0));
    let offset = 0;
    for (const s of sites) {
      values.set(s.site.values, offset);
      offset += s.site.values.length;
    }
    out[name] = { values, shape: [sites.reduce((a, s) => a + s.chains, 0), ...(first[name]?.shape.slice(1) ?? [])] };
  }
  return out;
}
