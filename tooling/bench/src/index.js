/**
 * The API that a package's `bench/*.bench.ts` file uses. Both helpers only check the shape and
 * return what they were given: the runner (src/runner.js) does the timing.
 */

const BACKENDS = ['cpu', 'wasm', 'webgpu'];

/**
 * Declares one benchmark file's suite; its default export.
 * @param {import('./index.js').BenchSuite} suite
 * @returns {import('./index.js').BenchSuite}
 */
export function defineBenchmarks(suite) {
  if (suite === null || typeof suite !== 'object') throw new Error('defineBenchmarks: expected an object { package, cases }');
  if (typeof suite.package !== 'string' || suite.package.length === 0) throw new Error("defineBenchmarks: 'package' must name the package under test, e.g. '@probdl/tensor-backend'");
  if (!Array.isArray(suite.cases) || suite.cases.length === 0) throw new Error(`defineBenchmarks(${suite.package}): 'cases' must be a non-empty array`);
  const names = new Set();
  for (const c of suite.cases) {
    defineCase(c);
    if (names.has(c.name)) throw new Error(`defineBenchmarks(${suite.package}): two cases are named '${c.name}'`);
    names.add(c.name);
  }
  return suite;
}

/**
 * Declares one case; typed so that `setup`'s return value is the `state` that `run` and
 * `teardown` receive.
 * @template S
 * @param {import('./index.js').BenchCase<S>} c
 * @returns {import('./index.js').BenchCase<S>}
 */
export function defineCase(c) {
  if (c === null || typeof c !== 'object') throw new Error('defineCase: expected an object { name, run, ... }');
  if (typeof c.name !== 'string' || c.name.length === 0) throw new Error("defineCase: 'name' must be a non-empty string");
  if (typeof c.run !== 'function') throw new Error(`defineCase('${c.name}'): 'run' must be a function`);
  if (c.itemsPerRun !== undefined && !(Number.isInteger(c.itemsPerRun) && c.itemsPerRun > 0)) {
    throw new Error(`defineCase('${c.name}'): 'itemsPerRun' must be a positive integer, got ${String(c.itemsPerRun)}`);
  }
  for (const b of c.backends ?? []) {
    if (!BACKENDS.includes(b)) throw new Error(`defineCase('${c.name}'): unknown backend '${String(b)}' in 'backends'; known: ${BACKENDS.join(', ')}`);
  }
  if (c.pytorch !== undefined && typeof c.pytorch?.script !== 'string') throw new Error(`defineCase('${c.name}'): 'pytorch.script' must be a string`);
  return c;
}
