import { METHODS, METHOD_LABELS, type BinnedStats, type Method } from './evaluate.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

export interface ReportPage {
  readonly title: string;
  readonly config: Record<string, string | number>;
  readonly summary: { label: string; range: BinnedStats }[];
  readonly bins: BinnedStats[];
  readonly figures: { file: string; svg: string; caption: string }[];
  readonly timings: { phase: string; seconds: number }[];
  readonly notes: string[];
}

/** Escapes, then writes 10^14 as 10<sup>14</sup>. */
const powers = (s: string): string => esc(s).replace(/10\^([\d.]+)/g, '10<sup>$1</sup>');

function statsTable(title: string, range: BinnedStats): string {
  const rows = METHODS.map((m: Method) => {
    const s = range.stats[m];
    return `<tr><td>${esc(METHOD_LABELS[m])}</td><td>${fmt(s.bias)}</td><td>${fmt(s.scatter)}</td><td>${fmt(s.halfWidth68 * 2)}</td><td>${s.n}</td></tr>`;
  });
  return `<h3>${powers(title)}</h3>
<table><thead><tr><th>method</th><th>mean ε (dex)</th><th>σ<sub>ε</sub> (dex)</th><th>16–84% width</th><th>clusters</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function binsTable(bins: BinnedStats[]): string {
  const head = `<tr><th rowspan="2">true log M</th><th rowspan="2">clusters</th>${METHODS.map((m) => `<th colspan="2">${esc(METHOD_LABELS[m])}</th>`).join('')}</tr>
<tr>${METHODS.map(() => '<th>bias</th><th>scatter</th>').join('')}</tr>`;
  const rows = bins.map(
    (b) => `<tr><td>[${b.lo.toFixed(2)}, ${b.hi.toFixed(2)})</td><td>${b.stats.mse.n}</td>${METHODS.map((m) => `<td>${fmt(b.stats[m].bias)}</td><td>${fmt(b.stats[m].scatter)}</td>`).join('')}</tr>`,
  );
  return `<table class="bins"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** The report's index.html: the figures (PNG, linking the SVG), the tables, the configuration and the timings. */
export function reportHtml(page: ReportPage): string {
  const figures = page.figures
    .map((f) => `<figure><a href="${esc(f.svg)}"><img src="${esc(f.file)}" alt="${esc(f.caption)}"></a><figcaption>${esc(f.caption)}</figcaption></figure>`)
    .join('\n');
  const config = Object.entries(page.config)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`)
    .join('\n');
  const total = page.timings.reduce((a, t) => a + t.seconds, 0);
  const timings = page.timings.map((t) => `<tr><td>${esc(t.phase)}</td><td>${t.seconds.toFixed(1)}</td><td>${((100 * t.seconds) / (total || 1)).toFixed(1)}%</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.bins { font-size: 0.8em; }
</style></head>
<body>
<h1>${esc(page.title)}</h1>
<p>Residuals are ε = log<sub>10</sub> M<sub>pred</sub> − log<sub>10</sub> M<sub>true</sub> on the test set (dex). The table follows Ho et al. (2019):
mean ε, its standard deviation σ<sub>ε</sub> and the 16–84% width, for 10<sup>14</sup> ≤ M &lt; 10<sup>15</sup> h⁻¹M☉.</p>
${page.summary.map((s) => statsTable(s.label, s.range)).join('\n')}
<h2>Figures</h2>
${figures}
<h2>Bias and scatter per mass bin</h2>
${binsTable(page.bins)}
<h2>Notes</h2>
<ul>${page.notes.map((n) => `<li>${powers(n)}</li>`).join('\n')}</ul>
<h2>Configuration</h2>
<table><tbody>${config}</tbody></table>
<h2>Where the time went</h2>
<table><thead><tr><th>phase</th><th>seconds</th><th>share</th></tr></thead><tbody>${timings}
<tr><td><b>total</b></td><td><b>${total.toFixed(1)}</b></td><td>100%</td></tr></tbody></table>
<p>Numbers: <a href="metrics.json">metrics.json</a>. Trained parameters: <a href="models/mse.safetensors">mse.safetensors</a>, <a href="models/mdn.safetensors">mdn.safetensors</a>.</p>
</body></html>
`;
}
