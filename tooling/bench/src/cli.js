#!/usr/bin/env node
/**
 * probdl-bench: runs every packages/*\/bench/*.bench.ts on each backend, each backend in its own
 * child process (tfjs has one global backend; Dawn is a native addon), adds the PyTorch
 * counterparts where torch is installed, prints a table and writes all figures as JSON.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, USAGE } from './args.js';
import { BACKEND_PACKAGE_DIR } from './backend-source.js';
import { describeAdapter } from './backend-info.js';
import { discoverBenchFiles, relativeMap } from './discover.js';
import { gitInfo, machineInfo } from './machine.js';
import { detectTorch, fastestRun, runTorchScript, torchThreadCounts } from './pytorch.js';
import { formatComparison, formatReport } from './report.js';
import { summarize } from './stats.js';
import { formatTime } from './format.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** tooling/bench/src -> the repo root. */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');
export const SCHEMA = 'probdl-bench/1';

/** tsx's loader, from the bench package's own dependencies or else from a package that has it. */
function findTsx(packageDirs) {
  const tried = [join(HERE, '..'), join(REPO_ROOT, BACKEND_PACKAGE_DIR), ...packageDirs];
  for (const dir of tried) {
    try {
      return createRequire(join(dir, 'package.json')).resolve('tsx');
    } catch {
      /* not installed there */
    }
  }
  throw new Error(`tsx not found (looked from ${tried.join(', ')}); run pnpm install`);
}

/** Runs one backend's child process; resolves with its result JSON (or a failure record). */
function runBackend(backend, job, tsxLoader, o) {
  const dir = mkdtempSync(join(os.tmpdir(), 'probdl-bench-'));
  const jobFile = join(dir, 'job.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(jobFile, JSON.stringify({ ...job, backend, resultFile }));
  const args = ['--expose-gc', '--import', pathToFileURL(tsxLoader).href, '--import', pathToFileURL(join(HERE, 'register-hooks.js')).href, join(HERE, 'runner.js'), jobFile];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let pending = '';
    const onData = (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('[bench]') || o.verbose) process.stderr.write(`${line}\n`);
        tail.push(line);
        if (tail.length > 60) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let result = null;
      if (existsSync(resultFile)) result = JSON.parse(readFileSync(resultFile, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      if (result && code === 0) return done(result);
      const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ` (over --timeout ${o.timeoutS} s?)` : ''}` : `exit code ${code}`;
      done({ backend, ok: false, reason: `the ${backend} process failed (${why}): ${tail.slice(-15).join('\n')}`, info: null, cases: result?.cases ?? [], suiteErrors: result?.suiteErrors ?? [] });
    });
  });
}

function backendRecord(r) {
  const info = r.info ?? {};
  const flags = info.flags ?? {};
  // tfjs-backend-cpu is JavaScript on the main thread; tfjs-wasm in Node has no worker threads.
  const threads = r.backend === 'webgpu' ? null : r.backend === 'wasm' && flags.WASM_HAS_MULTITHREAD_SUPPORT ? 'several' : 1;
  return {
    name: r.backend,
    ok: r.ok,
    reason: r.reason ?? '',
    tfjs: info.tfjs ?? null,
    source: info.source ?? null,
    adapter: info.adapter ?? null,
    adapterDescription: info.adapter ? describeAdapter(info.adapter) : null,
    software: info.software ?? false,
    flags,
    threads,
    initMs: info.initMs ?? null,
  };
}

/** Merges per-backend results into one record per case, with the ratios. */
function mergeCases(results, baseline) {
  const byId = new Map();
  for (const r of results) {
    for (const c of r.cases) {
      let merged = byId.get(c.id);
      if (!merged) {
        const { ok: _ok, error: _e, stats: _s, samplesMs: _m, warmupRuns: _w, capped: _c, leakedTensors: _l, tensorsAddedByRuns: _t, ...meta } = c;
        merged = { ...meta, results: {}, pytorch: null, ratios: { baseline, vsBaseline: {}, vsPytorch: {} } };
        byId.set(c.id, merged);
      }
      const { ok, error, stats, samplesMs, warmupRuns, capped, leakedTensors, tensorsAddedByRuns, params } = c;
      // Each backend keeps its own params: a case may record what it measured there (CPU time, peak memory).
      merged.results[r.backend] = ok ? { ok, params, stats, samplesMs, warmupRuns, capped, leakedTensors, tensorsAddedByRuns } : { ok, error, params, leakedTensors };
    }
  }
  const cases = [...byId.values()];
  for (const c of cases) {
    const base = c.results[baseline];
    for (const [b, r] of Object.entries(c.results)) {
      c.ratios.vsBaseline[b] = base?.ok && r.ok ? r.stats.median / base.stats.median : null;
    }
  }
  return cases;
}

function addPytorch(cases, o) {
  const wanted = cases.filter((c) => c.pytorchSpec);
  if (!o.pytorch) return null;
  const torch = detectTorch(o.python);
  if (!torch.found || wanted.length === 0) return torch;
  const counts = torchThreadCounts(o.threads, os.availableParallelism());
  for (const c of wanted) {
    const runs = counts.map((threads) => {
      process.stderr.write(`[bench] pytorch: ${c.id} (${threads} thread(s)) ...\n`);
      const r = runTorchScript(o.python, c.pytorchSpec, c.timing, threads, o.timeoutS);
      if (r.ok) {
        r.stats = summarize(r.samplesMs, 1);
        process.stderr.write(`[bench] pytorch: ${c.id}: ${formatTime(r.stats.median)}/${c.unit} on ${r.threads} thread(s)\n`);
      }
      return r;
    });
    // The baseline is PyTorch's best in this run; every run is kept for the record.
    const best = fastestRun(runs);
    if (best?.ok) {
      torch.threads = best.threads;
      torch.interopThreads = best.interopThreads;
      for (const [b, br] of Object.entries(c.results)) c.ratios.vsPytorch[b] = br.ok ? br.stats.median / best.stats.median : null;
    }
    c.pytorch = best ? { ...best, runs: runs.length > 1 ? runs.map(({ samplesMs: _s, ...rest }) => rest) : undefined } : null;
  }
  return torch;
}

function timestamp(date) {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export async function main(argv) {
  const o = parseArgs(argv);
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const files = discoverBenchFiles(REPO_ROOT, o);
  if (files.length === 0) throw new Error('no bench files found (packages/*/bench/*.bench.ts)');
  const relative = relativeMap(REPO_ROOT, files);
  const tsxLoader = findTsx([...new Set(files.map((f) => dirname(dirname(f))))]);
  const started = new Date();
  const machine = machineInfo();
  const job = { repoRoot: REPO_ROOT, files, relative, filter: o.filter, quick: o.quick };

  const results = [];
  for (const backend of o.backends) {
    process.stderr.write(`[bench] ${backend}: starting its process\n`);
    results.push(await runBackend(backend, job, tsxLoader, o));
  }
  const cases = mergeCases(results, o.baseline);
  const pytorch = addPytorch(cases, o);
  machine.loadAverageEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);

  const data = {
    schema: SCHEMA,
    createdAt: started.toISOString(),
    command: ['probdl-bench', ...argv].join(' '),
    options: { backends: o.backends, filter: o.filter, packages: o.packages, quick: o.quick, threads: o.threads, baseline: o.baseline },
    machine,
    git: gitInfo(REPO_ROOT),
    backends: results.map(backendRecord),
    pytorch,
    cases,
    suiteErrors: results.flatMap((r) => r.suiteErrors.map((e) => ({ ...e, backend: r.backend }))),
  };

  const out = o.out ? resolve(o.out) : join(REPO_ROOT, 'bench-results', `${timestamp(started)}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);

  console.log(formatReport(data));
  if (o.compare) {
    const old = JSON.parse(readFileSync(resolve(o.compare), 'utf8'));
    if (old.schema !== SCHEMA) console.log(`\n(${o.compare} has schema '${old.schema}', not '${SCHEMA}': comparing what matches)`);
    console.log(formatComparison(data, old, o.compare));
  }
  console.log(`\nJSON: ${out}`);

  if (cases.length === 0) {
    console.error(`no case ran${o.filter ? ` (--filter ${o.filter} matched none)` : ''}`);
    return 1;
  }
  const failed = cases.some((c) => Object.values(c.results).some((r) => !r.ok) || (c.pytorch && !c.pytorch.ok)) || data.suiteErrors.length > 0;
  // A backend that cannot start (webgpu without an adapter) is reported, not an error.
  return failed ? 1 : 0;
}

if (process.argv[1] && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`probdl-bench: ${error.message}`);
      process.exit(2);
    },
  );
}
