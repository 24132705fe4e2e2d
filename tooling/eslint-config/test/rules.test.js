import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALLOWED_IMPORTS, probdlEslint } from '../index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function lint(name, file) {
  const eslint = new ESLint({ cwd: `${fixtures}packages/${name}`, overrideConfigFile: true, overrideConfig: probdlEslint({ name }) });
  const [result] = await eslint.lintFiles([`src/${file}`]);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('probdlEslint', () => {
  it('forbids imports DESIGN.md does not allow, deep imports, Math.random and sync readback', async () => {
    const messages = await lint('tensor-backend', 'bad.ts');
    expect(messages.some((m) => /does not let tensor-backend import/.test(m))).toBe(true);
    expect(messages.some((m) => /No deep imports/.test(m))).toBe(true);
    expect(messages.some((m) => /^no-restricted-properties: .*Math.random/.test(m))).toBe(true);
    expect(messages.some((m) => /Readback is async only/.test(m))).toBe(true);
  });

  it('finds import cycles, and keeps tfjs backends out of packages other than tensor-backend', async () => {
    const messages = await lint('distributions', 'a.ts');
    expect(messages).toContain('import-x/no-cycle: Dependency cycle detected');
    expect(messages.some((m) => /Only @probdl\/tensor-backend imports a tfjs backend/.test(m))).toBe(true);
  });

  it('allows what DESIGN.md allows', async () => {
    const messages = await lint('distributions', 'b.ts');
    expect(messages.filter((m) => !m.startsWith('import-x/no-cycle'))).toEqual([]);
    expect(ALLOWED_IMPORTS['inference-hmc']).toEqual(['tensor-backend', 'model']);
  });

  it('lets tests and benchmarks, never src, import the packages named in testImports', async () => {
    const eslint = new ESLint({
      cwd: `${fixtures}packages/nn-layers`,
      overrideConfigFile: true,
      overrideConfig: probdlEslint({ name: 'nn-layers', testImports: ['optimizers'] }),
    });
    const [src, test] = await eslint.lintFiles(['src/uses-optimizers.ts', 'test/uses-optimizers.ts']);
    expect(src.messages.some((m) => /does not let nn-layers import/.test(m.message))).toBe(true);
    expect(test.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
    // A test import that would close a cycle (optimizers' tests importing a package that imports it) is refused.
    expect(() => probdlEslint({ name: 'optimizers', testImports: ['inference-vi'] })).toThrow(/imports 'optimizers'/);
  });

  it('rejects an unknown package name', () => {
    expect(() => probdlEslint({ name: 'nope' })).toThrow(/unknown package 'nope'/);
  });
});
