// Checks what publint and attw cannot: the built package carries the wasm binaries beside the
// chunk that points bundlers at them, and the gradient chunks are declared as side effects.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const WASM = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const problems = [];
for (const f of WASM) if (!existsSync(`dist/wasm/${f}`)) problems.push(`dist/wasm/${f} is missing`);
const chunks = readdirSync('dist').filter((f) => f.endsWith('.js'));
for (const f of WASM) {
  const literal = `new URL("./wasm/${f}", import.meta.url)`;
  if (!chunks.some((c) => readFileSync(`dist/${c}`, 'utf8').includes(literal))) problems.push(`no chunk in dist/ holds ${literal}`);
}
const { sideEffects } = JSON.parse(readFileSync('package.json', 'utf8'));
for (const prefix of ['register_all_gradients-', 'register_all_chained_ops-']) {
  const chunk = chunks.find((c) => c.startsWith(prefix));
  if (!chunk) problems.push(`no ${prefix}*.js chunk in dist/`);
  else if (!sideEffects.some((p) => p === `./dist/${prefix}*.js`)) problems.push(`${chunk} registers things but package.json sideEffects does not list it`);
}
if (problems.length > 0) {
  console.error(`check-dist: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-dist: wasm binaries, bundler URLs and side-effect chunks in place (${chunks.length} chunks)`);
