import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** What the figures were measured on, so that runs can be compared. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    node: process.version,
    v8: process.versions.v8,
    // A busy machine (other jobs on the same cores) makes every figure slower: keep the load
    // (1, 5, 15-minute averages) at the start; the CLI adds loadAverageEnd.
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** The commit measured and whether the tree had changes; read-only git calls, null outside git. */
export function gitInfo(repoRoot) {
  const git = (...args) => execFileSync('git', ['--no-optional-locks', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return null;
  }
}
