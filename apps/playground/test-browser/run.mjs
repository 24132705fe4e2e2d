// The browser check of the playground: vite build, serve dist/ on loopback, open the page in headless
// Chromium with WebGPU on SwiftShader (as packages/tensor-backend/test-browser does), train each
// model a few steps from the URL (?autotrain=N), and check that the page says which backend runs,
// that the loss fell and stayed finite, and that the band was drawn. Screenshots go to
// test-results/. Under CI=true the page must run on WebGPU; locally a wasm fallback is a note.
// Needs Debian's `chromium` (CHROMIUM_PATH to override).
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const results = join(root, 'test-results');
const steps = Number(process.env.PLAYGROUND_TEST_STEPS ?? 30);
const requireWebGpu = process.env.CI === 'true' || process.env.PROBDL_REQUIRE_WEBGPU === '1';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`test:browser needs Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);

const t0 = performance.now();
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);
await build({ root, logLevel: 'warn' });
console.log(`vite build: ${seconds(t0)} s`);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  try {
    const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const path = join(dist, rel === '/' ? 'index.html' : rel);
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

let passed = 0;
let failed = 0;
const check = (name, ok, detail) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
};

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const shots = [];
try {
  // 1. The default page: WebGPU if the adapter is a real GPU, else wasm (a software adapter is
  //    slower than wasm on a CPU); either way the page must say which backend runs, and why.
  {
    const t = performance.now();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 120_000 });
    const s = await page.evaluate(() => window.__playground);
    const text = await page.textContent('#backend');
    check(`default page: started a backend and says which (${seconds(t)} s)`, s.status === 'ready' && ['webgpu', 'wasm'].includes(s.backend) && text.includes(`backend: ${s.backend}`), JSON.stringify({ s, text }));
    console.log(`     ${text}`);
    // A click on the plot adds a point there: click where the axes' "0" labels put (0, 0).
    const zeros = await page.evaluate(() =>
      [...document.querySelectorAll('#fit .role-axis-label text')].filter((t) => t.textContent === '0').map((t) => {
        const r = t.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }));
    const [xLabel, yLabel] = zeros.sort((a, b) => b.y - a.y); // the x axis's label is the lower one
    await page.mouse.click(xLabel.x, yLabel.y);
    await page.waitForFunction((n) => window.__playground.points === n + 1, s.points, { timeout: 10_000 }).catch(() => {});
    const added = await page.evaluate(() => ({ n: window.__playground.points, last: window.__playground.lastPoint }));
    check(`default page: a click at (0, 0) adds a point there (${JSON.stringify(added.last)})`, added.n === s.points + 1 && Math.abs(added.last.x) < 0.06 && Math.abs(added.last.y) < 0.06, JSON.stringify({ before: s.points, added }));
    await page.close();
  }
  // 2. Training on WebGPU (a software adapter allowed): each model, a few steps, band drawn; and the
  //    MDN on wasm, whose Dense gradients run nn-layers' WebAssembly SIMD kernel on tfjs-wasm's heap.
  for (const [model, backend] of [['mdn', 'webgpu'], ['bnn', 'webgpu'], ['mdn', 'wasm']]) {
    const t = performance.now();
    const page = await browser.newPage({ viewport: { width: 900, height: 820 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const which = backend === 'wasm' ? '&backend=wasm' : '&software=1';
    await page.goto(`${url}?model=${model}&autotrain=${steps}&every=5${which}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 300_000 });
    const s = await page.evaluate(() => window.__playground);
    const text = await page.textContent('#backend');
    const areaPath = await page.evaluate(() => document.querySelector('#fit .mark-area path')?.getAttribute('d') ?? '');
    const lossPath = await page.evaluate(() => document.querySelector('#loss .mark-line path')?.getAttribute('d') ?? '');
    const file = join(results, model === 'mdn' && backend === 'webgpu' ? 'playground.png' : `playground-${model}${backend === 'wasm' ? '-wasm' : ''}.png`);
    await mkdir(results, { recursive: true });
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
    await page.close();

    console.log(`${model}: ${text} — ${s.losses.length} steps in ${seconds(t)} s with page load (${s.stepsPerSecond?.toFixed(2)} steps/s with redraws)`);
    check(`${model}: trained without errors`, s.status === 'done' && errors.length === 0, JSON.stringify({ status: s.status, error: s.error, errors }));
    if (backend === 'wasm') check(`${model}: ran on wasm and says so`, s.backend === 'wasm' && text.includes('backend: wasm'), text);
    else if (s.backend === 'webgpu') check(`${model}: ran on WebGPU and says so`, text.includes('backend: webgpu') && s.adapter !== undefined, text);
    else if (requireWebGpu) check(`${model}: ran on WebGPU (required under CI)`, false, `the page fell back: ${text}`);
    else console.log(`note ${model}: no WebGPU in this Chromium, the page ran on ${s.backend} (CI=true makes this a failure): ${text}`);
    const label = backend === 'wasm' ? `${model} on wasm` : model;
    check(`${label}: ${steps} finite losses`, s.losses.length === steps && s.losses.every(Number.isFinite), JSON.stringify(s.losses));
    check(`${label}: the loss fell (${s.losses[0]?.toFixed(3)} → ${s.losses.at(-1)?.toFixed(3)})`, s.losses.at(-1) < s.losses[0], JSON.stringify(s.losses));
    check(`${label}: the band and the training curve are drawn (band of step ${s.bandStep})`, s.bandStep === steps && areaPath.length > 20 && lossPath.length > 5, JSON.stringify({ bandStep: s.bandStep, areaPath: areaPath.slice(0, 40), lossPath: lossPath.slice(0, 40) }));
  }
  // 3. NUTS with its chains as lockstep blocks in 2 Web Workers (a worker script of the page's own,
  //    bundled by Vite with the target's code: `createWorker` + `serveSampling`), on wasm.
  {
    const t = performance.now();
    const page = await browser.newPage({ viewport: { width: 900, height: 820 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const draws = 40;
    await page.goto(`${url}?model=nuts&autotrain=1&backend=wasm&workers=2&chains=4&warmup=60&draws=${draws}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 300_000 });
    const s = await page.evaluate(() => window.__playground);
    const status = await page.textContent('#status');
    const areaPath = await page.evaluate(() => document.querySelector('#fit .mark-area path')?.getAttribute('d') ?? '');
    const file = join(results, 'playground-nuts-workers.png');
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
    await page.close();
    console.log(`nuts in workers: ${status} (${seconds(t)} s with page load)`);
    check('nuts in Web Workers: sampled without errors', s.status === 'done' && errors.length === 0, JSON.stringify({ status: s.status, error: s.error, errors }));
    check('nuts in Web Workers: the page started 2 workers on wasm and says so', s.nutsWorkers === 2 && s.backend === 'wasm' && status.includes('in 2 Web Workers'), JSON.stringify({ workers: s.nutsWorkers, backend: s.backend, status }));
    check(`nuts in Web Workers: ${draws} finite draws in the curve and the band drawn`, s.losses.length === draws && s.losses.every(Number.isFinite) && s.bandStep === draws && areaPath.length > 20, JSON.stringify({ losses: s.losses.length, bandStep: s.bandStep }));
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`screenshots: ${shots.join(', ')}`);
console.log(`browser: ${passed} passed, ${failed} failed in ${seconds(t0)} s`);
process.exit(failed === 0 ? 0 : 1);
