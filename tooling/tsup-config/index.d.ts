import type { Options } from 'tsup';
export declare function defineLibraryConfig(options?: {
  entry?: Record<string, string> | string[];
  platform?: 'neutral' | 'node' | 'browser';
  /** Dependencies (or subpaths) to bundle into dist instead of importing. */
  noExternal?: (string | RegExp)[];
  /** Runs after each successful build (e.g. copying assets into dist). */
  onSuccess?: () => Promise<void>;
}): Options | Options[];
