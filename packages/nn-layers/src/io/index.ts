// Save and load params pytrees as safetensors.
export { paramsToSafetensors, paramsFromSafetensors } from './params-safetensors.js';
export type { SafetensorsSaveOptions, SafetensorsLoadOptions } from './params-safetensors.js';
export { saveParams, loadParams } from './params-file.js';
