// Entry point. URL parameters: model=mdn|bnn|nuts, steps=N (the Train button's default), autotrain=N
// (train N steps on load; for nuts any N runs the sampler once), chains=C, warmup=N, draws=N, workers=N (NUTS; workers: lockstep blocks in Web Workers), every=N (redraw the band every N steps), beta=β (the BNN's KL weight), backend=webgpu|wasm|cpu (only
// that one), software=1 (take a software WebGPU adapter rather than falling back to wasm).
import './style.css';
import type { BackendName } from '@probdl/tensor-backend';
import { describeBackend, startBackend } from './backend.js';
import { DEFAULT_KL_WEIGHT, PAGE_MODELS, type PageModel } from './models.js';
import { createPlayground, type NutsSettings } from './ui.js';

const params = new URLSearchParams(location.search);
const int = (name: string, fallback: number) => {
  const v = Number(params.get(name));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const model = (PAGE_MODELS as readonly string[]).includes(params.get('model') ?? '') ? (params.get('model') as PageModel) : 'mdn';
const forced = params.get('backend') as BackendName | null;

const beta = Number(params.get('beta') ?? DEFAULT_KL_WEIGHT);
const klWeight = Number.isFinite(beta) && beta >= 0 ? beta : DEFAULT_KL_WEIGHT;
const nuts: NutsSettings = {};
if (params.has('chains')) nuts.numChains = int('chains', 4);
if (params.has('warmup')) nuts.numWarmup = int('warmup', 120);
if (params.has('draws')) nuts.numSamples = int('draws', 100);
if (params.has('workers')) nuts.workers = int('workers', 1);
const playground = createPlayground({ model, steps: int('steps', 300), redrawEvery: int('every', 10), klWeight, nuts });
try {
  const report = await startBackend({ prefer: forced ? [forced] : ['webgpu', 'wasm'], allowSoftware: params.get('software') === '1' });
  await playground.ready({ name: report.backend, adapter: report.adapter, text: describeBackend(report), fallback: report.backend !== 'webgpu' });
  const auto = int('autotrain', 0);
  if (auto > 0) await playground.train(auto);
} catch (error) {
  playground.fail(error);
}
