const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ReportSection {
  readonly n: number;
  readonly title: string;
  /** The lines the section printed. */
  readonly lines: readonly string[];
  readonly figures: readonly { file: string; caption: string }[];
  readonly seconds: number;
}

export interface ReportPage {
  readonly title: string;
  readonly config: Record<string, string | number | boolean>;
  readonly sections: readonly ReportSection[];
  readonly notes: readonly string[];
}

/** The report's index.html: per section its printed numbers and its figures (SVG), then notes, configuration and timings. */
export function reportHtml(page: ReportPage): string {
  const sections = page.sections
    .map(
      (s) => `<section><h2>${s.n}. ${esc(s.title)} <small>(${s.seconds.toFixed(1)} s)</small></h2>
<pre>${esc(s.lines.join('\n'))}</pre>
${s.figures.map((f) => `<figure><img src="${esc(f.file)}" alt="${esc(f.caption)}"><figcaption>${esc(f.caption)}</figcaption></figure>`).join('\n')}
</section>`,
    )
    .join('\n');
  const config = Object.entries(page.config)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`)
    .join('\n');
  const total = page.sections.reduce((a, s) => a + s.seconds, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; line-height: 1.4; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; } h2 small { color: #777; font-weight: normal; }
</style></head>
<body>
<h1>${esc(page.title)}</h1>
<p>The Deep Learning Indaba 2022 Bayesian deep learning practical (Antorán and Allingham, Apache-2.0), re-run with probdl.
Every number below is also in <a href="metrics.json">metrics.json</a>.</p>
${sections}
${page.notes.length > 0 ? `<h2>Notes</h2>\n<ul>${page.notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}</ul>` : ''}
<h2>Configuration</h2>
<table><tbody>${config}
<tr><td>total section time (s)</td><td>${total.toFixed(1)}</td></tr></tbody></table>
</body></html>
`;
}
