/** A time given in ms, in the unit that suits it, to 3 significant digits: '3.12 µs', '41.7 ms'. */
export function formatTime(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs < 1e-3) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (abs < 1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (abs < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A ratio as '1.68×'. */
export function formatRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** Pads a table (array of rows of strings) into aligned columns. */
export function formatTable(rows, { rightAlign = [] } = {}) {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - [...cell].length);
          return rightAlign.includes(i) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
