import { halfCauchyLpdf, halfNormalLpdf, normalLpdf, normalRoundoff } from './densities.js';
import { hostPosterior, type HostParam, type HostPosterior, type HostValues } from './layout.js';

/* Float64 host log densities of the five posteriordb posteriors, written from each model.stan with
   plain loops (1-based Stan indices become 0-based). All normalising constants are kept, and a
   `<lower=0>` parameter with a Cauchy / normal prior gets the half-distribution's log 2. */

/** A normal likelihood `obs[n] ~ normal(mean_n, sigma)`: the mean and the sum of |its parts| at n. */
type Predictor = (v: HostValues, n: number) => [mean: number, partsAbs: number];

/** A posterior whose likelihood is `obs[n] ~ normal(predict(n), sigma(n))`, with `priors(v)` before it. */
function normalRegression(
  params: HostParam[],
  priors: (v: HostValues) => number[],
  obs: readonly number[],
  predict: Predictor,
  sigma: (v: HostValues, n: number) => number,
): HostPosterior {
  return hostPosterior(
    params,
    (v) => {
      const out = priors(v);
      for (let n = 0; n < obs.length; n++) out.push(normalLpdf(obs[n]!, predict(v, n)[0], sigma(v, n)));
      return out;
    },
    (v) => {
      let r = 0;
      for (let n = 0; n < obs.length; n++) {
        const [mean, partsAbs] = predict(v, n);
        r += normalRoundoff(obs[n]!, mean, partsAbs, sigma(v, n));
      }
      return r;
    },
  );
}

/** eight_schools_noncentered: theta_trans[J], mu, tau>0; y[j] ~ normal(theta_trans[j] * tau + mu, sigma[j]). */
export function eightSchoolsHost(data: { J: number; y: number[]; sigma: number[] }): HostPosterior {
  const { J, y, sigma } = data;
  return normalRegression(
    [
      { name: 'theta_trans', size: J, positive: false },
      { name: 'mu', size: 1, positive: false },
      { name: 'tau', size: 1, positive: true },
    ],
    (v) => [...v.theta_trans!.map((t) => normalLpdf(t, 0, 1)), normalLpdf(v.mu![0]!, 0, 5), halfCauchyLpdf(v.tau![0]!, 5)],
    y,
    (v, j) => {
      const a = v.theta_trans![j]! * v.tau![0]!;
      const b = v.mu![0]!;
      return [a + b, Math.abs(a) + Math.abs(b)];
    },
    (_, j) => sigma[j]!,
  );
}

/** arK: alpha, beta[K], sigma>0; for t in K+1..T: y[t] ~ normal(alpha + sum_k beta[k] * y[t-k], sigma). */
export function arKHost(data: { K: number; T: number; y: number[] }): HostPosterior {
  const { K, T, y } = data;
  return normalRegression(
    [
      { name: 'alpha', size: 1, positive: false },
      { name: 'beta', size: K, positive: false },
      { name: 'sigma', size: 1, positive: true },
    ],
    (v) => [normalLpdf(v.alpha![0]!, 0, 10), ...v.beta!.map((b) => normalLpdf(b, 0, 10)), halfCauchyLpdf(v.sigma![0]!, 2.5)],
    y.slice(K, T), // y[t] for t = K+1..T (1-based)
    (v, n) => {
      const t = K + 1 + n; // 1-based time of observation n
      let mu = v.alpha![0]!;
      let abs = Math.abs(mu);
      for (let k = 1; k <= K; k++) {
        const part = v.beta![k - 1]! * y[t - k - 1]!;
        mu += part;
        abs += Math.abs(part);
      }
      return [mu, abs];
    },
    (v) => v.sigma![0]!,
  );
}

/** beta[1] + beta[2] * x[n], with the sum of |parts|. */
function simpleLine(x: readonly number[]): Predictor {
  return (v, n) => {
    const a = v.beta![0]!;
    const b = v.beta![1]! * x[n]!;
    return [a + b, Math.abs(a) + Math.abs(b)];
  };
}

/** kidscore_momiq: beta[2] (flat), sigma>0 ~ half-Cauchy(2.5); kid_score ~ normal(beta[1] + beta[2] * mom_iq, sigma). */
export function kidiqHost(data: { N: number; kid_score: number[]; mom_iq: number[] }): HostPosterior {
  return normalRegression(
    [
      { name: 'beta', size: 2, positive: false },
      { name: 'sigma', size: 1, positive: true },
    ],
    (v) => [halfCauchyLpdf(v.sigma![0]!, 2.5)],
    data.kid_score.slice(0, data.N),
    simpleLine(data.mom_iq),
    (v) => v.sigma![0]!,
  );
}

/** logearn_height: beta[2] (flat), sigma>0 (flat); log(earn) ~ normal(beta[1] + beta[2] * height, sigma). */
export function earningsHost(data: { N: number; earn: number[]; height: number[] }): HostPosterior {
  return normalRegression(
    [
      { name: 'beta', size: 2, positive: false },
      { name: 'sigma', size: 1, positive: true },
    ],
    () => [],
    data.earn.slice(0, data.N).map(Math.log),
    simpleLine(data.height),
    (v) => v.sigma![0]!,
  );
}

/** blr: beta[D] ~ normal(0, 10), sigma>0 ~ half-normal(10); y ~ normal(X beta, sigma). */
export function sblrcHost(data: { N: number; D: number; X: number[][]; y: number[] }): HostPosterior {
  const { D, X } = data;
  return normalRegression(
    [
      { name: 'beta', size: D, positive: false },
      { name: 'sigma', size: 1, positive: true },
    ],
    (v) => [...v.beta!.map((b) => normalLpdf(b, 0, 10)), halfNormalLpdf(v.sigma![0]!, 10)],
    data.y.slice(0, data.N),
    (v, n) => {
      let mu = 0;
      let abs = 0;
      for (let d = 0; d < D; d++) {
        const part = X[n]![d]! * v.beta![d]!;
        mu += part;
        abs += Math.abs(part);
      }
      return [mu, abs];
    },
    (v) => v.sigma![0]!,
  );
}
