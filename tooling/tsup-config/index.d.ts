import type { Options } from 'tsup';
export declare function defineLibraryConfig(options?: {
  entry?: Record<string, string> | string[];
  platform?: 'neutral' | 'node' | 'browser';
}): Options | Options[];
