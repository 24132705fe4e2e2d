// The browser check: bundle test-browser/ with Vite against the built package (dist/, so the wasm
// binaries reach the app only through `new URL('./wasm/...', import.meta.url)`), serve it on
// loopback, open it in headless Chromium, and check wasm and WebGPU (SwiftShader) results against
// the JAX reference and known constants. Needs Debian's `chromium` (CHROMIUM_PATH to override).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = join(here, '.vite-dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`test:browser needs Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);

await build({
  root: here,
  logLevel: 'warn',
  resolve: { alias: { '@probdl/tensor-backend': fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  build: { outDir: out, emptyOutDir: true, target: 'es2022' },
});
const assets = await import('node:fs').then((fs) => fs.readdirSync(join(out, 'assets')));
const wasmAssets = assets.filter((f) => f.endsWith('.wasm'));

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  try {
    const path = join(out, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let result;
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__probdlResult !== undefined, null, { timeout: 180_000 });
  result = await page.evaluate(() => window.__probdlResult);
} finally {
  await browser.close();
  server.close();
  await rm(out, { recursive: true, force: true });
}

// Expected values, none computed by this package: JAX's normal(PRNGKey(0), (7,)) (partitionable
// stream) from the shared reference; the Cholesky factor of [[4,2],[2,3]] is [[2,0],[1,√2]];
// ψ(0.5) = −γ − 2 ln 2 and ψ(3) = 3/2 − γ.
const refPath = fileURLToPath(new URL('../../../../shared/reference/jax-prng/threefry.json', import.meta.url));
const gamma = 0.5772156649015329;
const expected = {
  factor: [2, 0, 1, Math.SQRT2],
  digamma: [-gamma - 2 * Math.LN2, 1.5 - gamma],
};
if (existsSync(refPath)) {
  const cases = JSON.parse(readFileSync(refPath, 'utf8')).cases;
  expected.normal = cases.find((c) => c.seed === 0 && c.partitionable === true).normal_7;
} else if (process.env.CI === 'true') {
  throw new Error(`reference ${refPath} missing under CI`);
} else {
  console.warn(`[probdl] ${refPath} missing: the browser normals are not compared with JAX`);
}

let passed = 0;
let failed = 0;
const check = (name, ok, detail) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
};
const close = (a, e, tol) => Array.isArray(a) && a.length === e.length && a.every((v, i) => Math.abs(v - e[i]) <= tol * (1 + Math.abs(e[i])));
check('Vite emitted the three wasm binaries as assets', wasmAssets.length === 3, `assets: ${assets.join(', ')}`);
for (const backend of ['wasm', 'webgpu']) {
  const r = result[backend];
  check(`${backend}: started in the browser`, r && !r.error && r.backend === backend, JSON.stringify(r));
  if (!r || r.error) continue;
  if (backend === 'webgpu') console.log(`     adapter: ${JSON.stringify(r.adapter)}`);
  if (expected.normal) check(`${backend}: normal(key(0), [7]) equals JAX's`, close(r.normal, expected.normal, 0), JSON.stringify(r.normal));
  check(`${backend}: cholesky`, close(r.factor, expected.factor, 1e-6), JSON.stringify(r.factor));
  check(`${backend}: gradient of lgamma is digamma`, close(r.digamma, expected.digamma, 2e-6), JSON.stringify(r.digamma));
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
