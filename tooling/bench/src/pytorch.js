import { spawnSync } from 'node:child_process';

export const TORCH_INSTALL_HINT = 'apt-get install python3-torch (Debian/Ubuntu), or pip install torch';

const PROBE = "import json, sys, torch; print(json.dumps({'torch': torch.__version__, 'python': sys.version.split()[0], 'executable': sys.executable}))";

/** The last line of a process's stdout that parses as a JSON object. */
export function lastJsonLine(stdout) {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      /* not JSON: an earlier line may be */
    }
  }
  return null;
}

/**
 * Whether `python -c 'import torch'` works, and which versions; never throws.
 * @param {string} python
 */
export function detectTorch(python) {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit code ${r.status}`);
    return { found: false, python, reason: `\`${python} -c 'import torch'\` failed: ${why}`, install: TORCH_INSTALL_HINT };
  }
  const info = lastJsonLine(r.stdout);
  if (!info) return { found: false, python, reason: `${python} printed no version for torch`, install: TORCH_INSTALL_HINT };
  return { found: true, python, pythonVersion: info.python, executable: info.executable, torch: info.torch, reason: '' };
}

/**
 * Runs one PyTorch script with the case's arguments, the thread count and the case's timing; the
 * script prints one JSON line with the same stats fields as the tfjs runner.
 * @param {string} python
 * @param {{ script: string, args: Record<string, unknown> }} spec
 * @param {import('./index.js').TimingOptions} timing
 * @param {number} threads
 * @param {number} timeoutS
 */
export function runTorchScript(python, spec, timing, threads, timeoutS) {
  const args = [spec.script];
  for (const [k, v] of Object.entries(spec.args)) args.push(`--${k}`, String(v));
  args.push('--threads', String(threads));
  args.push('--warmup-runs', String(timing.warmupRuns), '--warmup-ms', String(timing.warmupMs));
  args.push('--min-runs', String(timing.minRuns), '--min-time-ms', String(timing.minTimeMs));
  args.push('--max-runs', String(timing.maxRuns), '--max-time-ms', String(timing.maxTimeMs));
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: timeoutS * 1000, env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) } });
  const command = [python, ...args].join(' ');
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').slice(-5).join('\n');
    return { ok: false, command, error: why };
  }
  const out = lastJsonLine(r.stdout);
  if (!out || !out.stats) return { ok: false, command, error: `no JSON result line in its output: ${r.stdout.slice(-500)}` };
  return { ok: true, command, ...out };
}

/**
 * The thread counts to run PyTorch at: `--threads N` gives [N]; 'best' gives 1 and every core
 * (on a small or shared machine more threads can be slower, so both are tried).
 * @param {number | 'best'} option
 * @param {number} cores
 * @returns {number[]}
 */
export function torchThreadCounts(option, cores) {
  if (option !== 'best') return [option];
  return cores > 1 ? [1, cores] : [1];
}

/**
 * The fastest successful run (lowest median) among runs at different thread counts, or else the
 * first failure, so a case's baseline is PyTorch's best in this run.
 * @template {{ ok: boolean, stats?: { median: number } }} R
 * @param {R[]} runs
 * @returns {R | null}
 */
export function fastestRun(runs) {
  const ok = runs.filter((r) => r.ok && r.stats);
  if (ok.length === 0) return runs[0] ?? null;
  return ok.reduce((best, r) => (r.stats.median < best.stats.median ? r : best));
}
