/**
 * A Node module-resolution hook for the runner. tfjs-core's ESM files (what
 * `import('@tensorflow/tfjs-core/dist/register_all_gradients.js')` in initBackend loads) import
 * './gradients/Abs_grad' and './ops/ops' without extensions or with a folder, which bundlers
 * accept and Node's ESM loader refuses (ERR_MODULE_NOT_FOUND / ERR_UNSUPPORTED_DIR_IMPORT). Only
 * for relative imports from inside @tensorflow packages, and only after the normal resolution
 * failed, this retries with '.js' and '/index.js'. It changes nothing that already resolves.
 */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const code = /** @type {{ code?: string }} */ (error).code;
    const fixable = (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') && specifier.startsWith('.') && (context.parentURL ?? '').includes('/@tensorflow/');
    if (fixable) {
      for (const suffix of ['.js', '/index.js']) {
        try {
          return await nextResolve(specifier + suffix, context);
        } catch {
          /* try the next suffix */
        }
      }
    }
    throw error;
  }
}
