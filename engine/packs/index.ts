/**
 * Node packs: discovering, checking and loading built-in, folder and npm packs into a registry.
 */
export { loadPacks } from './loader.js';
export type { FailedPack, LoadedPack, LoadPacksOptions, PackFailureCode, PackReport, PackSource } from './types.js';
export { engineIncompatibility } from './compat.js';
export { PUBLIC_API_URL } from './api-resolution.js';
