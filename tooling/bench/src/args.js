export const ALL_BACKENDS = ['cpu', 'wasm', 'webgpu'];

export const USAGE = `probdl-bench: times packages/*/bench/*.bench.ts on each backend (one process each)

Usage: node tooling/bench/src/cli.js [options] [bench files...]     (from the repo root: pnpm bench [options])

  --backends LIST    comma-separated, of cpu,wasm,webgpu (default: all; webgpu only where an adapter exists)
  --filter REGEX     only cases whose id (<package>/<file>/<case>) matches
  --package NAME     only this package's bench folder (folder or package name; repeatable or comma-separated)
  --quick            1 warm-up and 3 timed runs per case: a smoke test, not a measurement
  --out FILE         where the JSON goes (default: bench-results/<timestamp>.json at the repo root)
  --compare OLD      also print new/old ratios against an earlier JSON file
  --baseline NAME    the backend the others are divided by (default: cpu, else the first)
  --threads N|best   threads for PyTorch (default best: it runs at 1 thread and at every core,
                     and the faster is the baseline, since more threads are not always faster)
  --python EXE       the Python that may have torch (default: $PROBDL_PYTHON or python3)
  --no-pytorch       skip the PyTorch comparison
  --timeout SEC      limit for each backend's process (default 1800)
  --verbose          print the backend processes' whole output
  -h, --help         this text`;

/**
 * @param {string[]} argv  process.argv.slice(2)
 */
export function parseArgs(argv) {
  const o = {
    backends: [...ALL_BACKENDS],
    backendsGiven: false,
    filter: null,
    packages: [],
    quick: false,
    out: null,
    compare: null,
    baseline: null,
    threads: 'best',
    python: process.env.PROBDL_PYTHON || 'python3',
    pytorch: true,
    timeoutS: 1800,
    verbose: false,
    help: false,
    files: [],
  };
  const value = (i, flag) => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    if (arg.startsWith('--') && arg.includes('=')) [arg, inline] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    const take = () => (inline !== undefined ? inline : value(i++, arg));
    switch (arg) {
      case '--backends': {
        const list = take().split(',').map((s) => s.trim()).filter(Boolean);
        for (const b of list) if (!ALL_BACKENDS.includes(b)) throw new Error(`--backends: unknown backend '${b}'; known: ${ALL_BACKENDS.join(', ')}`);
        if (list.length === 0) throw new Error('--backends: give at least one of cpu, wasm, webgpu');
        o.backends = [...new Set(list)];
        o.backendsGiven = true;
        break;
      }
      case '--filter': {
        o.filter = take();
        try {
          new RegExp(o.filter);
        } catch (error) {
          throw new Error(`--filter: not a regular expression: ${error.message}`);
        }
        break;
      }
      case '--package':
        o.packages.push(...take().split(',').map((s) => s.trim().replace(/^@probdl\//, '')).filter(Boolean));
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--out':
        o.out = take();
        break;
      case '--compare':
        o.compare = take();
        break;
      case '--baseline':
        o.baseline = take();
        if (!ALL_BACKENDS.includes(o.baseline)) throw new Error(`--baseline: unknown backend '${o.baseline}'`);
        break;
      case '--threads': {
        const raw = take();
        if (raw === 'best') {
          o.threads = raw;
          break;
        }
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--threads: expected a positive integer or 'best', got '${raw}'`);
        o.threads = n;
        break;
      }
      case '--python':
        o.python = take();
        break;
      case '--no-pytorch':
        o.pytorch = false;
        break;
      case '--timeout': {
        const raw = take();
        if (raw === 'best') {
          o.threads = raw;
          break;
        }
        const n = Number(raw);
        if (!(n > 0)) throw new Error(`--timeout: expected seconds > 0, got '${raw}'`);
        o.timeoutS = n;
        break;
      }
      case '--verbose':
        o.verbose = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new Error(`unknown option '${arg}' (see --help)`);
        o.files.push(arg);
    }
  }
  if (o.baseline && !o.backends.includes(o.baseline)) throw new Error(`--baseline ${o.baseline} is not among --backends ${o.backends.join(',')}`);
  o.baseline ??= o.backends.includes('cpu') ? 'cpu' : o.backends[0];
  return o;
}
