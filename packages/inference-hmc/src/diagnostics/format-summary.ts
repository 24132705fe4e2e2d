import type { Summary } from './summary.js';

function fmt(v: number, width: number): string {
  const s = Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? v.toFixed(2) : v > 0 ? 'inf' : '-inf';
  return s.padStart(width);
}

/**
 * A text table in the layout of NumPyro's `print_summary`: a name column, then `mean std median`,
 * one `q%` column per quantile probability other than 0.5 (`5.0% 95.0%` by default), `n_eff`
 * (bulk ESS), `ess_tail` and `r_hat`, two decimals, right-aligned; then `Number of divergences`
 * when sample statistics were summarised, and one line per problem.
 */
export function formatSummary(s: Summary): string {
  const probs = s.probs.filter((p) => p !== 0.5);
  const columns = ['mean', 'std', 'median', ...probs.map((p) => `${(100 * p).toFixed(1)}%`), 'n_eff', 'ess_tail', 'r_hat'];
  const nameWidth = Math.max(4, ...s.rows.map((r) => r.name.length));
  const width = Math.max(9, ...columns.map((c) => c.length));
  const lines = ['', [''.padStart(nameWidth), ...columns.map((c) => c.padStart(width))].join(' ')];
  for (const r of s.rows) {
    const qs = probs.map((p) => r.quantiles[s.probs.indexOf(p)] ?? NaN);
    const cells = [r.mean, r.sd, r.median, ...qs, r.essBulk, r.essTail, r.rHat];
    lines.push([r.name.padStart(nameWidth), ...cells.map((v) => fmt(v, width))].join(' '));
  }
  lines.push('');
  if (s.withStats) lines.push(`Number of divergences: ${s.numDivergent}`);
  for (const p of s.problems) lines.push(`WARNING: ${p}`);
  return lines.join('\n');
}
