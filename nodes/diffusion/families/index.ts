/** The family loaders, by family (the only place that lists them). */
import type { FamilyLoader } from '../model/load.js';
import type { Family } from '../model/types.js';
import { loadFlux } from './flux.js';
import { loadSd15 } from './sd15.js';
import { loadSd3 } from './sd3.js';
import { loadSdxl } from './sdxl.js';

export const FAMILY_LOADERS: Readonly<Record<Family, FamilyLoader>> = {
  sd15: loadSd15,
  sdxl: loadSdxl,
  sd3: loadSd3,
  flux: loadFlux,
};
