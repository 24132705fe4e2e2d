import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Who may import whom (../shared/DESIGN.md, "Who may import whom"). */
export const ALLOWED_IMPORTS = {
  'tensor-backend': [],
  distributions: ['tensor-backend'],
  model: ['tensor-backend', 'distributions'],
  'nn-layers': ['tensor-backend', 'distributions'],
  optimizers: ['tensor-backend'],
  'inference-vi': ['tensor-backend', 'distributions', 'model', 'optimizers'],
  'inference-hmc': ['tensor-backend', 'model'],
  datasets: ['tensor-backend'],
};
const ALL_PACKAGES = Object.keys(ALLOWED_IMPORTS);
const TFJS_BACKENDS = ['@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'webgpu'];

/**
 * The flat config for one workspace package or app.
 * @param {{ name: string, kind?: 'package' | 'app', testImports?: string[] }} self  the folder name,
 *   e.g. 'distributions'; `testImports` names packages that only the tests and benchmarks may import
 *   (as devDependencies: an nn-layers test trains with @probdl/optimizers' Adam), never `src`.
 */
export function probdlEslint(self) {
  const isApp = self.kind === 'app';
  const allowed = isApp ? ALL_PACKAGES : ALLOWED_IMPORTS[self.name];
  if (!allowed) throw new Error(`@probdl/eslint-config: unknown package '${self.name}'`);
  const testImports = self.testImports ?? [];
  for (const p of testImports) {
    if (!ALL_PACKAGES.includes(p)) throw new Error(`@probdl/eslint-config: unknown test import '${p}'`);
    // A test-only import must not close a cycle: the imported package may not depend on this one.
    if (ALLOWED_IMPORTS[p].includes(self.name)) throw new Error(`@probdl/eslint-config: '${p}' imports '${self.name}', so its tests cannot import it back`);
  }
  const restrictedPatterns = (extra) => {
    const forbiddenPackages = ALL_PACKAGES.filter((p) => p !== self.name && !allowed.includes(p) && !extra.includes(p));
    const patterns = [
      { group: ['@probdl/*/src', '@probdl/*/src/**', '@probdl/*/dist', '@probdl/*/dist/**'], message: 'No deep imports: the exports map is the only door.' },
    ];
    if (forbiddenPackages.length > 0) {
      patterns.push({ group: forbiddenPackages.map((p) => `@probdl/${p}`), message: `DESIGN.md does not let ${self.name} import this package.` });
    }
    if (!isApp && self.name !== 'tensor-backend') {
      patterns.push({ group: TFJS_BACKENDS, message: 'Only @probdl/tensor-backend imports a tfjs backend.' });
    }
    return patterns;
  };
  const patterns = restrictedPatterns([]);
  return tseslint.config(
    { ignores: ['dist/**', 'docs/**', 'coverage/**', '*.config.*'] },
    ...tseslint.configs.recommended,
    {
      files: ['**/*.ts'],
      plugins: { 'import-x': importX },
      rules: {
        'no-restricted-imports': ['error', { patterns }],
        'import-x/no-cycle': ['error', { ignoreExternal: true }],
        'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Randomness comes from an explicit PRNG key.' }],
        'no-restricted-syntax': [
          'error',
          { selector: "CallExpression[callee.property.name=/^(dataSync|arraySync)$/]", message: 'Readback is async only (await t.data()): dataSync breaks on WebGPU.' },
        ],
        '@typescript-eslint/no-explicit-any': 'off',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      },
      // Resolves `./x.js` to `./x.ts`, so no-cycle sees the real import graph.
      settings: {
        'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
        // no-cycle parses each imported file: it needs the TypeScript parser for .ts.
        'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
        'import-x/extensions': ['.ts', '.tsx', '.js'],
      },
    },
    {
      files: ['test/**/*.ts', 'bench/**/*.ts'],
      rules: {
        'no-restricted-syntax': 'off',
        ...(testImports.length > 0 ? { 'no-restricted-imports': ['error', { patterns: restrictedPatterns(testImports) }] } : {}),
      },
    },
  );
}
