import type { Deps } from '../deps.ts';
import { apiArea } from '../http/openapi.ts';

export function systemsApi(deps: Deps) {
  void deps;
  return apiArea();
}
