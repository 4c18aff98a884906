/** sd3 family: being written (issue 5). Until then loading such a model answers "not available". */
import { SwitchyardError } from '../../../engine/nodes/index.js';
import type { FamilyLoader } from '../model/load.js';

export const loadSd3: FamilyLoader = async ({ id }) => {
  throw new SwitchyardError('not_available', `model ${id}: the sd3 family is not available yet in this build`, { model: id });
};
