export { writeFileAtomic } from './atomic.js';
export { PhaseTimer } from './timing.js';
export { BACKEND_CHOICES, UsageError, parseBackend, parseFlags, runCli, runWhenExecuted, userPath, type BackendChoice, type CliApp, type Write } from './cli.js';
