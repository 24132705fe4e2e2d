export { treeToJson, treeFromJson, stateToJson, stateFromJson, paramsToJson, paramsFromJson, TREE_JSON_FORMAT } from './json.js';
export type { JsonValue } from './json.js';
