/** True under Node.js (not in a browser or a worker of one). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Imports a module by a name that bundlers must not follow: Node-only modules (`webgpu`,
 * `node:module`) stay out of browser bundles.
 */
export function importHidden<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
