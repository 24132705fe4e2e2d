import type { BlrPlacement, DesignInput, VectorInput } from './types.js';
import type { EvidenceHistory, EvidenceLearn, EvidenceOptimum } from './evidence-types.js';
import { hostBlr } from './internal/host-algebra.js';
import { hostInputs } from './internal/resolve.js';
import { checkBlrInputs } from './internal/validate.js';

/** @internal Options of the MacKay fixed point (a subset of those of `maximizeEvidence`). */
export interface MackayOptions {
  alpha?: number;
  noiseVariance?: number;
  priorMean?: VectorInput;
  learn?: EvidenceLearn;
  maxSteps?: number;
  tolerance?: number;
}

/**
 * @internal MacKay's evidence fixed point in float64 on the host (Bishop, PRML §3.5.2):
 * `γ = D − α tr Σ`, `α ← γ / ‖μ − m₀‖²`, `σ² ← ‖y − Φμ‖² / (N − γ)`, iterated to a fixed point.
 * The gradient reported is analytic: `∂/∂log α = (γ − α‖μ − m₀‖²)/2`,
 * `∂/∂log σ² = (‖y − Φμ‖²/σ² + γ − N)/2`.
 */
export async function mackayFixedPoint(phi: DesignInput, y: VectorInput, options: MackayOptions, fn: string): Promise<EvidenceOptimum<undefined>> {
  const on: BlrPlacement = 'host';
  const alpha0 = options.alpha ?? 1;
  const s20 = options.noiseVariance ?? 1;
  const { n, d } = checkBlrInputs(phi, y, { alpha: alpha0, noiseVariance: s20, ...(options.priorMean ? { priorMean: options.priorMean } : {}), on }, fn);
  const inp = await hostInputs(phi, y, { alpha: alpha0, ...(options.priorMean ? { priorMean: options.priorMean } : {}) }, d, fn);
  const learnAlpha = options.learn?.alpha ?? true;
  const learnNoise = options.learn?.noiseVariance ?? true;
  const maxSteps = options.maxSteps ?? 1000;
  const tol = options.tolerance ?? 1e-10;
  let alpha = alpha0;
  let s2 = s20;
  const history: EvidenceHistory = { logEvidence: [], alpha: [], noiseVariance: [] };
  const evaluate = (a: number, s: number): { logEvidence: number; gamma: number; mm: number; rss: number } => {
    const parts = hostBlr(inp.phi, inp.y, new Float64Array(d).fill(a), s, inp.priorMean, fn);
    let tr = 0;
    let mm = 0;
    for (let j = 0; j < d; j++) {
      tr += parts.covariance.data[j * d + j] as number;
      mm += ((parts.mean[j] as number) - (inp.priorMean ? (inp.priorMean[j] as number) : 0)) ** 2;
    }
    let rss = 0;
    for (let r = 0; r < n; r++) {
      let f = 0;
      for (let j = 0; j < d; j++) f += (inp.phi.data[r * d + j] as number) * (parts.mean[j] as number);
      rss += ((inp.y[r] as number) - f) ** 2;
    }
    return { logEvidence: parts.logEvidence, gamma: d - a * tr, mm, rss };
  };
  let cur = evaluate(alpha, s2);
  const initialLogEvidence = cur.logEvidence;
  let steps = 0;
  let converged = false;
  while (steps < maxSteps) {
    history.logEvidence.push(cur.logEvidence);
    history.alpha.push(alpha);
    history.noiseVariance.push(s2);
    const nextAlpha = learnAlpha ? cur.gamma / cur.mm : alpha;
    const nextS2 = learnNoise ? cur.rss / (n - cur.gamma) : s2;
    if (!(nextAlpha > 0 && Number.isFinite(nextAlpha)) || !(nextS2 > 0 && Number.isFinite(nextS2))) {
      throw new Error(
        `${fn}: the MacKay update left the valid range at iteration ${steps} (alpha ${nextAlpha}, noiseVariance ${nextS2}); ` +
          `the evidence may have no finite maximum (e.g. N ≤ γ or μ = m₀); use method 'gradient' or fix one of them`,
      );
    }
    steps++;
    const change = Math.max(Math.abs(Math.log(nextAlpha / alpha)), Math.abs(Math.log(nextS2 / s2)));
    alpha = nextAlpha;
    s2 = nextS2;
    cur = evaluate(alpha, s2);
    if (change < tol) {
      converged = true;
      break;
    }
  }
  return {
    method: 'mackay',
    alpha,
    noiseVariance: s2,
    hyper: undefined,
    logEvidence: cur.logEvidence,
    initialLogEvidence,
    gradient: {
      logAlpha: learnAlpha ? 0.5 * (cur.gamma - alpha * cur.mm) : 0,
      logNoiseVariance: learnNoise ? 0.5 * (cur.rss / s2 + cur.gamma - n) : 0,
      hyper: new Float64Array(0),
    },
    history,
    steps,
    converged,
  };
}
