import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs the ```ts block under "## Example" of a package README as a module, with the package's own
 * name pointed at its source entry, and returns what it printed with console.log (one array of
 * arguments per call). The README's example is then a test: if it stops running, CI says so.
 */
export async function runReadmeExample({ readme, packageName, entry }) {
  const text = readFileSync(readme, 'utf8');
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error(`${readme} has no \`\`\`ts block under "## Example"`);
  const escaped = packageName.replace(/[/@.-]/g, (c) => `\\${c}`);
  const source = block.replace(new RegExp(`from '${escaped}'`, 'g'), `from '${pathToFileURL(entry).href}'`);
  // Beside the README, so its bare imports resolve from the package's own node_modules.
  const generated = join(dirname(readme), `.readme-example-${process.pid}.generated.ts`);
  writeFileSync(generated, source);
  const lines = [];
  const original = console.log;
  console.log = (...args) => void lines.push(args);
  try {
    await import(/* @vite-ignore */ pathToFileURL(generated).href);
  } finally {
    console.log = original;
    rmSync(generated, { force: true });
  }
  return lines;
}
