/** True for an adapter that is a CPU rasteriser posing as a GPU (its timings say nothing of GPUs). */
export function isSoftwareAdapter(adapter) {
  if (!adapter) return false;
  const text = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].join(' ');
  return /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render/i.test(text);
}

/** One line naming an adapter, e.g. 'llvmpipe-llvm-15-0-6-256-bits- / OpenGL ES 3.2 Mesa 22.3.6 (compatibility, Dawn backend=opengles)'. */
export function describeAdapter(adapter) {
  if (!adapter) return '';
  const parts = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter((s) => typeof s === 'string' && s.length > 0);
  const toggles = adapter.dawnToggles?.length ? `, Dawn ${adapter.dawnToggles.join(' ')}` : '';
  return `${parts.join(' / ') || 'unnamed adapter'} (${adapter.featureLevel ?? '?'}${toggles})`;
}
