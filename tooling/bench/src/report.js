import { describeAdapter } from './backend-info.js';
import { formatRatio, formatTable, formatTime } from './format.js';

const SOFTWARE_MARK = '†';

function backendLabel(b) {
  return b.software ? `${b.name}${SOFTWARE_MARK}` : b.name;
}

function backendLine(b) {
  if (!b.ok) return `${b.name.padEnd(7)} not run: ${b.reason}`;
  const flags = b.flags ?? {};
  if (b.name === 'cpu') return `cpu     tfjs-backend-cpu ${b.tfjs}, JavaScript on ${b.threads} thread`;
  if (b.name === 'wasm') return `wasm    tfjs-backend-wasm ${b.tfjs}, ${flags.WASM_HAS_SIMD_SUPPORT ? 'SIMD' : 'no SIMD'}, ${b.threads} thread${b.threads === 1 ? '' : 's'}`;
  const sw = b.software ? ` — ${SOFTWARE_MARK} SOFTWARE GPU (a CPU rasteriser): for correctness only, never judge speed on it` : '';
  return `webgpu  tfjs-backend-webgpu ${b.tfjs} on ${describeAdapter(b.adapter)}, WEBGPU_CPU_FORWARD=${String(flags.WEBGPU_CPU_FORWARD)}${sw}`;
}

function paramText(params) {
  const entries = Object.entries(params ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : '';
}

/** The text report of one run's JSON. */
export function formatReport(data) {
  const lines = [];
  const m = data.machine;
  lines.push(`probdl bench · ${data.createdAt} · ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverage.join(' ')} · node ${m.node}${data.options.quick ? ' · QUICK (smoke test: 3 runs, not a measurement)' : ''}`);
  const load = Math.max(m.loadAverage[0], m.loadAverageEnd?.[0] ?? 0);
  if (load > m.cores * 0.75) lines.push(`WARNING: load average ${load} on ${m.cores} cores: other work shared the CPU during this run, so the figures are slower and noisier than the machine can do.`);
  lines.push('backends:');
  for (const b of data.backends) lines.push(`  ${backendLine(b)}`);
  const pt = data.pytorch;
  if (pt === null) lines.push('PyTorch: not asked for (--no-pytorch)');
  else if (!pt.found) lines.push(`PyTorch: not found — ${pt.reason}. To compare with it, install it: ${pt.install}`);
  else if (data.options.threads === 'best') lines.push(`PyTorch: torch ${pt.torch} on Python ${pt.pythonVersion}, run at 1 thread and at every core; "vs PyTorch" divides by the faster (--threads best)`);
  else lines.push(`PyTorch: torch ${pt.torch} on Python ${pt.pythonVersion}, ${pt.threads ?? data.options.threads} intra-op thread(s), ${pt.interopThreads ?? '?'} inter-op (--threads ${data.options.threads})`);
  const baseline = data.options.baseline;
  lines.push(`Figures: median time per item, spread = interquartile range / median; "vs ${baseline}" = this backend / ${baseline} in this run; "vs PyTorch" = probdl / PyTorch (above 1: slower than PyTorch).`);

  for (const c of data.cases) {
    lines.push('');
    const p = paramText(c.params);
    lines.push(`${c.id}${p ? `  [${p}]` : ''}`);
    lines.push(`  per ${c.unit}${c.itemsPerRun > 1 ? ` (${c.itemsPerRun} ${c.unit}s per timed run)` : ''}${c.sync ? `; device work included by: ${c.sync}` : ''}`);
    const rows = [['  backend', 'median', 'spread', 'runs', `vs ${baseline}`, 'vs PyTorch', '']];
    for (const b of data.backends) {
      const r = c.results[b.name];
      if (!r) continue;
      if (!r.ok) {
        rows.push([`  ${backendLabel(b)}`, 'FAILED', '', '', '', '', (r.error ?? '').split('\n')[0].slice(0, 100)]);
        continue;
      }
      const notes = [];
      if (r.leakedTensors) notes.push(`${r.leakedTensors} tensors leaked`);
      if (r.tensorsAddedByRuns) notes.push(`${r.tensorsAddedByRuns} tensors added by the runs`);
      if (r.capped) notes.push('capped by maxTimeMs');
      rows.push([
        `  ${backendLabel(b)}`,
        formatTime(r.stats.median),
        `±${r.stats.iqrPct.toFixed(1)}%`,
        String(r.stats.runs),
        formatRatio(c.ratios.vsBaseline[b.name]),
        formatRatio(c.ratios.vsPytorch[b.name]),
        notes.join('; '),
      ]);
    }
    if (c.pytorch) {
      if (c.pytorch.ok) rows.push(['  pytorch', formatTime(c.pytorch.stats.median), `±${c.pytorch.stats.iqrPct.toFixed(1)}%`, String(c.pytorch.stats.runs), '', '1.00×', `${c.pytorch.threads} thread(s)${c.pytorch.runs ? ', the faster' : ''}`]);
      else rows.push(['  pytorch', 'FAILED', '', '', '', '', (c.pytorch.error ?? '').split('\n').pop().slice(0, 100)]);
      // The other thread counts tried, for the record (not the baseline).
      for (const r of (c.pytorch.runs ?? []).filter((x) => x.ok && x.threads !== c.pytorch.threads)) {
        const slower = c.pytorch.ok ? `, ${formatRatio(r.stats.median / c.pytorch.stats.median)} the faster's time` : '';
        rows.push(['  pytorch', formatTime(r.stats.median), `±${r.stats.iqrPct.toFixed(1)}%`, String(r.stats.runs), '', '', `${r.threads} thread(s)${slower}`]);
      }
    }
    lines.push(formatTable(rows, { rightAlign: [1, 2, 3, 4, 5] }));
  }
  if (data.backends.some((b) => b.software)) lines.push('', `${SOFTWARE_MARK} software GPU: its times measure a CPU emulating a GPU; they check that the WebGPU path runs, not how fast a GPU is.`);
  for (const e of data.suiteErrors) lines.push('', `ERROR in ${e.file} (${e.backend}): ${e.error.split('\n')[0]}`);
  return lines.join('\n');
}

/** new/old ratios of the medians that both runs have. */
export function formatComparison(data, old, oldPath) {
  const lines = [''];
  const same = old.machine?.cpuModel === data.machine.cpuModel && old.machine?.cores === data.machine.cores;
  lines.push(`Compared with ${oldPath} (${old.createdAt ?? '?'}, ${same ? 'same machine type' : `OTHER MACHINE: ${old.machine?.cpuModel ?? '?'}, ${old.machine?.cores ?? '?'} cores`}${old.options?.quick ? ', a --quick run' : ''}): new/old below 1 is faster`);
  const oldCases = new Map((old.cases ?? []).map((c) => [c.id, c]));
  const rows = [['  case', 'backend', 'old', 'new', 'new/old']];
  let matched = 0;
  for (const c of data.cases) {
    const o = oldCases.get(c.id);
    if (!o) continue;
    const pairs = Object.entries(c.results).map(([b, r]) => [b, r, o.results?.[b]]);
    if (c.pytorch) pairs.push(['pytorch', c.pytorch, o.pytorch]);
    for (const [b, r, or] of pairs) {
      if (!r?.ok || !or?.ok) continue;
      matched += 1;
      rows.push([`  ${c.id}`, b, formatTime(or.stats.median), formatTime(r.stats.median), formatRatio(r.stats.median / or.stats.median)]);
    }
  }
  lines.push(matched ? formatTable(rows, { rightAlign: [2, 3, 4] }) : '  no case and backend in common');
  return lines.join('\n');
}
