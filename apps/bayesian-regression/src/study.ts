import { access, constants, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { foldIn, initBackend, key, type BackendName } from '@probdl/tensor-backend';
import { writeFileAtomic } from '@probdl/app-kit';
import { renderSvg } from '@probdl/app-kit/plots';
import { SECTIONS, type SectionName, type StudyOptions } from './args.js';
import { fingerprintOf, loadCheckpoint, saveCheckpoint, type SectionCheckpoint } from './checkpoint.js';
import { loadPracticalInputs, type PracticalInputs, type Section } from './common.js';
import { reportHtml, type ReportSection } from './report.js';
import { ridgeSection } from './sections/s1-ridge.js';
import { posteriorSection } from './sections/s2-posterior.js';
import { fourierSection } from './sections/s3-fourier.js';
import { logisticSection } from './sections/s4-logistic.js';
import { viSection } from './sections/s5-vi.js';
import { bnnSection } from './sections/s6-bnn.js';
import { gapSection } from './sections/s7-gap.js';

const RUNNERS: Record<SectionName, Section> = {
  ridge: ridgeSection,
  posterior: posteriorSection,
  fourier: fourierSection,
  logistic: logisticSection,
  vi: viSection,
  bnn: bnnSection,
  gap: gapSection,
};

/** metrics.json: the configuration, then each section's numbers under its name, and the timings. */
export interface Metrics {
  readonly config: { backend: string; seed: number; quick: boolean; sections: SectionName[]; referenceDir: string; practicalInputs: { fourier: boolean; elboEps: boolean } };
  readonly sections: Partial<Record<SectionName, Record<string, unknown>>>;
  readonly timings: { section: SectionName; seconds: number }[];
  readonly notes: string[];
}

export interface StudyResult {
  readonly out: string;
  readonly backend: string;
  readonly metrics: Metrics;
}

function backendPreference(choice: StudyOptions['backend']): BackendName[] {
  return choice === 'auto' ? ['wasm', 'cpu'] : [choice];
}

/** Runs the chosen sections and writes the report folder (each file atomically). `print` gets every key-number line. */
export async function runStudy(options: StudyOptions, print: (line: string) => void, practical?: PracticalInputs): Promise<StudyResult> {
  const out = resolve(options.out);
  try {
    await mkdir(out, { recursive: true });
    await access(out, constants.W_OK);
  } catch (e) {
    throw new Error(`--out: cannot write to ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const report = await initBackend({ prefer: backendPreference(options.backend) });
  const backend = report.backend;
  print(`backend: ${backend}${options.quick ? ' (--quick)' : ''}; seed ${options.seed}`);
  const inputs = practical ?? loadPracticalInputs();
  const root = key(options.seed);
  const metrics: Metrics = {
    config: {
      backend,
      seed: options.seed,
      quick: options.quick,
      sections: options.sections,
      referenceDir: inputs.dir,
      practicalInputs: { fourier: inputs.fourier !== undefined, elboEps: inputs.elboEps !== undefined },
    },
    sections: {},
    timings: [],
    notes: [],
  };
  const pages: ReportSection[] = [];
  for (const name of options.sections) {
    const meta = SECTIONS.find((s) => s.name === name)!;
    const lines: string[] = [];
    const sectionPrint = (line: string) => {
      lines.push(line);
      print(`[${meta.n} ${name}] ${line}`);
    };
    print(`\n== ${meta.n}. ${meta.title}`);
    const fingerprint = fingerprintOf({ seed: options.seed, quick: options.quick, backend, practicalInputs: metrics.config.practicalInputs });
    const saved = options.resume ? await loadCheckpoint(out, name, fingerprint) : undefined;
    let done: SectionCheckpoint;
    if (saved !== undefined) {
      // Finished by an earlier run with the same settings: its numbers and figures, not a second run.
      for (const line of saved.lines) sectionPrint(line);
      print('(from the checkpoint of an earlier run)');
      done = saved;
    } else {
      const t0 = performance.now();
      const result = await RUNNERS[name]({ quick: options.quick, seed: options.seed, key: foldIn(root, meta.n), reference: inputs, print: sectionPrint });
      done = { fingerprint, lines, metrics: result.metrics, figures: result.figures, notes: result.notes, seconds: (performance.now() - t0) / 1000 };
    }
    for (const f of done.figures) await writeFileAtomic(join(out, f.file), await renderSvg(f.spec));
    if (saved === undefined) await saveCheckpoint(out, name, done);
    const seconds = done.seconds;
    metrics.sections[name] = done.metrics;
    metrics.timings.push({ section: name, seconds });
    metrics.notes.push(...done.notes);
    pages.push({ n: meta.n, title: meta.title, lines: done.lines, figures: done.figures, seconds });
    print(`(${seconds.toFixed(1)} s)`);
  }
  await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
  await writeFileAtomic(
    join(out, 'index.html'),
    reportHtml({
      title: 'Bayesian regression: from linear models to BNNs',
      config: { backend, seed: options.seed, quick: options.quick, sections: options.sections.join(', '), 'reference inputs': inputs.dir },
      sections: pages,
      notes: metrics.notes,
    }),
  );
  return { out, backend, metrics };
}
