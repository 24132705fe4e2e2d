export declare function referenceFile(relPath: string): { available: boolean; path: string | undefined; reason: string };
export declare function loadReference<T = any>(relPath: string): T | undefined;
export declare function refNumber(v: unknown): number;
