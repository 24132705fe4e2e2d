/**
 * The child process of one backend: `node --import tsx --import ./register-hooks.js runner.js JOB.json`.
 * Starts the backend, imports each bench file, times its cases, writes the result JSON to
 * job.resultFile. Progress goes to stderr as lines starting with '[bench]'.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadBackendSource } from './backend-source.js';
import { isSoftwareAdapter } from './backend-info.js';
import { effectiveTiming, measure } from './timing.js';
import { summarize } from './stats.js';
import { formatTime } from './format.js';

const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'python');
const MAX_SAMPLES_KEPT = 1000;

const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

/** @param {string} script @param {string} benchFile */
function resolveScript(script, benchFile) {
  if (isAbsolute(script)) return script;
  if (!script.includes('/')) return join(PYTHON_DIR, script);
  return join(dirname(benchFile), script);
}

async function readFlags(tf, backend) {
  const names = backend === 'wasm' ? ['WASM_HAS_SIMD_SUPPORT', 'WASM_HAS_MULTITHREAD_SUPPORT'] : backend === 'webgpu' ? ['WEBGPU_CPU_FORWARD'] : [];
  const flags = {};
  for (const name of names) {
    try {
      flags[name] = await tf.env().getAsync(name);
    } catch {
      /* flag not registered by this tfjs version */
    }
  }
  return flags;
}

async function runCase(tf, c, ctx, base, quick) {
  const timing = effectiveTiming(c.timing, quick);
  const itemsPerRun = c.itemsPerRun ?? 1;
  const out = {
    ...base,
    unit: c.unit ?? 'run',
    itemsPerRun,
    sync: c.sync ?? '',
    params: c.params ?? {},
    timing,
    pytorchSpec: c.pytorch ? { script: resolveScript(c.pytorch.script, base.fileAbs), args: c.pytorch.args ?? {} } : null,
    ok: false,
  };
  delete out.fileAbs;
  const before = tf.memory().numTensors;
  let setupDone = false;
  try {
    ctx.state = c.setup ? await c.setup(ctx) : undefined;
    setupDone = true;
    globalThis.gc?.();
    const afterSetup = tf.memory().numTensors;
    const m = await measure(() => c.run(ctx), timing);
    // Tensors that pile up across runs are a leak in the case's run (or the library under test).
    out.tensorsAddedByRuns = tf.memory().numTensors - afterSetup;
    out.stats = summarize(m.samples, itemsPerRun);
    out.samplesMs = m.samples.slice(0, MAX_SAMPLES_KEPT).map((s) => s / itemsPerRun);
    out.warmupRuns = m.warmupRuns;
    out.capped = m.capped;
    out.ok = true;
  } catch (error) {
    out.error = String(error?.stack ?? error);
  } finally {
    if (setupDone && c.teardown) {
      try {
        await c.teardown(ctx);
      } catch (error) {
        out.ok = false;
        out.error = `teardown: ${String(error?.stack ?? error)}`;
      }
    }
    out.leakedTensors = tf.memory().numTensors - before;
  }
  return out;
}

async function main() {
  const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
  const { backend, quick } = job;
  const filter = job.filter ? new RegExp(job.filter) : null;
  const result = { backend, ok: false, reason: '', info: null, cases: [], suiteErrors: [] };
  const write = () => writeFile(job.resultFile, JSON.stringify(result, null, 1));

  let tf;
  try {
    const loaded = await loadBackendSource(job.repoRoot);
    tf = loaded.tf;
    const t0 = performance.now();
    const report = await loaded.initBackend({ prefer: [backend], webgpu: { cpuForward: false } });
    const initMs = performance.now() - t0;
    result.info = {
      name: backend,
      source: loaded.source,
      tfjs: tf.version_core,
      adapter: report.adapter ?? null,
      software: backend === 'webgpu' ? isSoftwareAdapter(report.adapter) : false,
      flags: await readFlags(tf, backend),
      initMs,
    };
    result.ok = true;
    progress(`${backend}: started in ${formatTime(initMs)}${report.adapter ? ` on ${report.adapter.device || report.adapter.description}` : ''}`);
  } catch (error) {
    result.reason = String(error?.message ?? error);
    progress(`${backend}: could not start (${result.reason})`);
    await write();
    return;
  }

  for (const file of job.files) {
    let suite;
    try {
      suite = (await import(pathToFileURL(file).href)).default;
      if (!suite || !Array.isArray(suite.cases)) throw new Error('its default export is not a suite: export default defineBenchmarks({ package, cases })');
    } catch (error) {
      result.suiteErrors.push({ file: job.relative[file] ?? file, error: String(error?.stack ?? error) });
      progress(`${backend}: ${file}: ${String(error?.message ?? error)}`);
      continue;
    }
    const stem = basename(file).replace(/\.bench\.[cm]?[jt]s$/, '');
    const shortPkg = suite.package.replace(/^@probdl\//, '');
    for (const c of suite.cases) {
      const id = `${shortPkg}/${stem}/${c.name}`;
      if (filter && !filter.test(id)) continue;
      if (c.backends && !c.backends.includes(backend)) continue;
      const ctx = { backend, adapter: result.info.adapter ?? undefined, quick, state: undefined };
      const base = { id, package: suite.package, file: job.relative[file] ?? file, fileAbs: file, name: c.name };
      const r = await runCase(tf, c, ctx, base, quick);
      result.cases.push(r);
      progress(
        r.ok
          ? `${backend}: ${id}: ${formatTime(r.stats.median)}/${r.unit} ±${r.stats.iqrPct.toFixed(1)}% (${r.stats.runs} runs)`
          : `${backend}: ${id}: FAILED ${r.error.split('\n')[0]}`,
      );
    }
  }
  await write();
}

main()
  .catch(async (error) => {
    process.stderr.write(`[bench] runner crashed: ${String(error?.stack ?? error)}\n`);
    process.exitCode = 1;
  })
  // Dawn's native threads can keep the process alive after the work is done.
  .finally(() => process.exit());
