import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@probdl/app-kit';
import type { SectionName } from './args.js';
import type { Figure } from './common.js';

/** What a finished section leaves in `<out>/checkpoints/<name>.json`, so `--resume` need not run it again. */
export interface SectionCheckpoint {
  /** The settings the section's numbers depend on; a checkpoint made under others is not reused. */
  readonly fingerprint: string;
  readonly lines: string[];
  readonly metrics: Record<string, unknown>;
  readonly figures: Figure[];
  readonly notes: string[];
  readonly seconds: number;
}

/** The settings that decide a section's result: the seed, the configuration, the backend and the practical's inputs. */
export function fingerprintOf(settings: { seed: number; quick: boolean; backend: string; practicalInputs: { fourier: boolean; elboEps: boolean } }): string {
  return JSON.stringify([settings.seed, settings.quick, settings.backend, settings.practicalInputs.fourier, settings.practicalInputs.elboEps]);
}

function checkpointPath(out: string, name: SectionName): string {
  return join(out, 'checkpoints', `${name}.json`);
}

/** Writes a section's checkpoint atomically (a crash leaves the old one or none, never half a file). */
export async function saveCheckpoint(out: string, name: SectionName, checkpoint: SectionCheckpoint): Promise<void> {
  await mkdir(dirname(checkpointPath(out, name)), { recursive: true });
  await writeFileAtomic(checkpointPath(out, name), `${JSON.stringify(checkpoint)}\n`);
}

/**
 * The section's checkpoint if there is one made with the same `fingerprint`; undefined when there is
 * none or it was made under other settings. An unreadable checkpoint is an error naming the file.
 */
export async function loadCheckpoint(out: string, name: SectionName, fingerprint: string): Promise<SectionCheckpoint | undefined> {
  const path = checkpointPath(out, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`--resume: cannot read the checkpoint ${path} (${(e as Error).message})`, { cause: e });
  }
  let parsed: SectionCheckpoint;
  try {
    parsed = JSON.parse(text) as SectionCheckpoint;
  } catch (e) {
    throw new Error(`--resume: the checkpoint ${path} is not valid JSON (${(e as Error).message}); delete it to run the section again`, { cause: e });
  }
  return parsed.fingerprint === fingerprint ? parsed : undefined;
}
