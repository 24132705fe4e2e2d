/** Runs a README's "## Example" ts block against the package source; returns its console.log calls. */
export declare function runReadmeExample(options: { readme: string; packageName: string; entry: string }): Promise<unknown[][]>;
