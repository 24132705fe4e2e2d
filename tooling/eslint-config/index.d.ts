import type { Linter } from 'eslint';
export declare const ALLOWED_IMPORTS: Record<string, string[]>;
export declare function probdlEslint(self: { name: string; kind?: 'package' | 'app'; testImports?: string[] }): Linter.Config[];
