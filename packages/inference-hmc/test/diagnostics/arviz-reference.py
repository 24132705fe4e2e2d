# Provenance of the reference values in arviz-values.test.ts: arviz-stats' diagnostics
# (arviz_stats/base/diagnostics.py) transcribed to numpy/scipy. Run: python3 arviz-reference.py
import numpy as np
from scipy import stats

def autocov(ary):
    n = ary.shape[1]
    m = 1
    while m < 2*n: m *= 2
    a = ary - ary.mean(axis=1, keepdims=True)
    f = np.fft.rfft(a, n=m, axis=1)
    f *= np.conjugate(f)
    return np.fft.irfft(f, n=m, axis=1)[:, :n] / n

def z_scale(ary):
    rank = stats.rankdata(ary, method="average").reshape(ary.shape)
    return stats.norm.ppf((rank - 3/8) / (ary.size - 2*3/8 + 1))

def split(ary):
    half = ary.shape[1] // 2
    return np.vstack((ary[:, :half], ary[:, -half:]))

def rhat(ary):
    n = ary.shape[1]
    cm = ary.mean(axis=1); cv = np.var(ary, axis=1, ddof=1)
    b = n * np.var(cm, ddof=1); w = np.mean(cv)
    return np.sqrt((b / w + n - 1) / n)

def rhat_rank(ary):
    s = split(ary)
    return max(rhat(z_scale(s)), rhat(z_scale(abs(s - np.median(s)))))

def ess(ary):
    ary = np.asarray(ary, dtype=float)
    if np.max(ary) - np.min(ary) < np.finfo(float).resolution: return ary.size
    n_chain, n_draw = ary.shape
    acov = autocov(ary)
    chain_mean = ary.mean(axis=1)
    mean_var = np.mean(acov[:, 0]) * n_draw / (n_draw - 1.0)
    var_plus = mean_var * (n_draw - 1.0) / n_draw
    if n_chain > 1: var_plus += np.var(chain_mean, ddof=1)
    rho = np.zeros(n_draw); re = 1.0; rho[0] = re
    ro = 1.0 - (mean_var - np.mean(acov[:, 1])) / var_plus; rho[1] = ro
    t = 1
    while t < n_draw - 3 and re + ro > 0.0:
        re = 1.0 - (mean_var - np.mean(acov[:, t + 1])) / var_plus
        ro = 1.0 - (mean_var - np.mean(acov[:, t + 2])) / var_plus
        if re + ro >= 0: rho[t + 1] = re; rho[t + 2] = ro
        t += 2
    max_t = t - 2
    if re > 0: rho[max_t + 1] = re
    t = 1
    while t <= max_t - 2:
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2.0; rho[t + 2] = rho[t + 1]
        t += 2
    e = n_chain * n_draw
    tau = -1.0 + 2.0 * np.sum(rho[: max_t + 1]) + np.sum(rho[max_t + 1: max_t + 2])
    tau = max(tau, 1 / np.log10(e))
    return e / tau

def ess_quantile(ary, p):
    q = np.quantile(ary, p)
    return ess(split(ary <= q))

def mcse_quantile(ary, p):
    e = ess_quantile(ary, p)
    ppf = stats.beta.ppf([0.1586553, 0.8413447], e * p + 1, e * (1 - p) + 1)
    s = np.sort(ary.ravel()); size = s.size
    ps = ppf * size - 1
    return (s[int(np.floor(np.nanmax((ps[0], 0))))] - s[int(np.ceil(np.nanmin((ps[1], size - 1))))]) / -2

def mcse_sd(ary):
    c2 = (ary - ary.mean()) ** 2
    e = ess(split(ary))
    ev = c2.mean()
    return np.sqrt(((c2 ** 2).mean() - ev ** 2) / e / ev / 4)

C, N = 4, 101
t = np.arange(N)
x = np.array([np.sin(0.37 * t * (c + 1)) + 0.3 * np.cos(1.1 * t + c) + 0.004 * t * (c == 3) for c in range(C)])
res = {
  'essBulk': ess(z_scale(split(x))),
  'essTail': min(ess_quantile(x, 0.05), ess_quantile(x, 0.95)),
  'essMean': ess(split(x)),
  'essSd': ess(split((x - x.mean()) ** 2)),
  'splitRhat': rhat(split(x)),
  'rankNormalizedSplitRhat': rhat_rank(x),
  'mcseMean': np.std(x, ddof=1) / np.sqrt(ess(split(x))),
  'mcseSd': mcse_sd(x),
  'mcseQuantile05': mcse_quantile(x, 0.05),
  'mcseQuantile50': mcse_quantile(x, 0.5),
  'q': [float(v) for v in np.quantile(x, [0.05, 0.5, 0.95])],
  'bfmi': [float(v) for v in (np.square(np.diff(x, axis=1)).mean(axis=1) / np.var(x, axis=1, ddof=1))],
}
for k, v in res.items(): print(k, repr(v) if isinstance(v, list) else repr(float(v)))
