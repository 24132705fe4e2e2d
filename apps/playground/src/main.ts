// Entry point. URL parameters: model=mdn|bnn, steps=N (the Train button's default), autotrain=N
// (train N steps on load), every=N (redraw the band every N steps), beta=β (the BNN's KL weight), backend=webgpu|wasm|cpu (only
// that one), software=1 (take a software WebGPU adapter rather than falling back to wasm).
import './style.css';
import type { BackendName } from '@probdl/tensor-backend';
import { describeBackend, startBackend } from './backend.js';
import { DEFAULT_KL_WEIGHT, MODEL_KINDS, type ModelKind } from './models.js';
import { createPlayground } from './ui.js';

const params = new URLSearchParams(location.search);
const int = (name: string, fallback: number) => {
  const v = Number(params.get(name));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const model = (MODEL_KINDS as readonly string[]).includes(params.get('model') ?? '') ? (params.get('model') as ModelKind) : 'mdn';
const forced = params.get('backend') as BackendName | null;

const beta = Number(params.get('beta') ?? DEFAULT_KL_WEIGHT);
const klWeight = Number.isFinite(beta) && beta >= 0 ? beta : DEFAULT_KL_WEIGHT;
const playground = createPlayground({ model, steps: int('steps', 300), redrawEvery: int('every', 10), klWeight });
try {
  const report = await startBackend({ prefer: forced ? [forced] : ['webgpu', 'wasm'], allowSoftware: params.get('software') === '1' });
  await playground.ready({ name: report.backend, adapter: report.adapter, text: describeBackend(report), fallback: report.backend !== 'webgpu' });
  const auto = int('autotrain', 0);
  if (auto > 0) await playground.train(auto);
} catch (error) {
  playground.fail(error);
}
