export { toArviZJson } from './arviz-json.js';
export type { ArviZJson, ArviZJsonOptions } from './arviz-json.js';
export { toCmdStanCsv, fromCmdStanCsv } from './cmdstan-csv.js';
export type { CmdStanChain, CmdStanCsvOptions } from './cmdstan-csv.js';
export type { Nested } from './nested.js';
