/**
 * Keeps custom SearchParameters in force (search/custom-params.ts): those already stored are
 * registered when the store opens, and every committed write of a SearchParameter updates the registry.
 * Registration follows the commit, so a rolled-back transaction changes nothing. Commits of other
 * server processes on the same database (PostgreSQL) reload the stored set, so every process searches
 * and indexes with the same parameters.
 */
import type { Resource } from '../fhir/types.js';
import { resyncSearchParameters, syncSearchParameter } from '../search/custom-params.js';
import { parseSearch } from '../search/parse/parse-query.js';
import type { Cursor, ResourceStore } from './store.js';

/** Every stored (current, not deleted) SearchParameter, by id. */
async function storedSearchParameters(store: ResourceStore): Promise<Map<string, Resource>> {
  const out = new Map<string, Resource>();
  let cursor: Cursor | undefined;
  do {
    const query = parseSearch(['SearchParameter'], [['_count', '1000']]);
    const page = await store.search({ query, baseUrl: '', cursor });
    for (const v of page.matches) out.set(v.id, JSON.parse(v.json!) as Resource);
    cursor = page.more ? page.last : undefined;
  } while (cursor);
  return out;
}

export async function followSearchParameters(store: ResourceStore): Promise<number> {
  const stored = await storedSearchParameters(store);
  resyncSearchParameters(stored);
  store.onCommit((written) => {
    for (const v of written) {
      if (v.type === 'SearchParameter') syncSearchParameter(v.id, v.json === undefined ? undefined : (JSON.parse(v.json) as Resource));
    }
  });
  // Reloads run one at a time, the latest last, so a slow reload never overwrites a newer one.
  let reloading = Promise.resolve();
  store.onExternalCommit((types) => {
    if (types !== 'all' && !types.includes('SearchParameter')) return;
    reloading = reloading.then(() => storedSearchParameters(store).then(resyncSearchParameters, () => undefined));
  });
  return stored.size;
}
