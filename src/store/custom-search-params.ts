/**
 * Keeps custom SearchParameters in force (search/custom-params.ts): those already stored are
 * registered when the store opens, and every committed write of a SearchParameter updates the registry.
 * Registration follows the commit, so a rolled-back transaction changes nothing.
 */
import type { Resource } from '../fhir/types.js';
import { syncSearchParameter } from '../search/custom-params.js';
import { parseSearch } from '../search/parse/parse-query.js';
import type { Cursor, ResourceStore } from './store.js';

export async function followSearchParameters(store: ResourceStore): Promise<number> {
  let loaded = 0;
  let cursor: Cursor | undefined;
  do {
    const query = parseSearch(['SearchParameter'], [['_count', '1000']]);
    const page = await store.search({ query, baseUrl: '', cursor });
    for (const v of page.matches) {
      syncSearchParameter(v.id, JSON.parse(v.json!) as Resource);
      loaded++;
    }
    cursor = page.more ? page.last : undefined;
  } while (cursor);
  store.onCommit((written) => {
    for (const v of written) {
      if (v.type === 'SearchParameter') syncSearchParameter(v.id, v.json === undefined ? undefined : (JSON.parse(v.json) as Resource));
    }
  });
  return loaded;
}
