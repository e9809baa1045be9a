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
  // Counts this process's commits of SearchParameters: a reload that read the stored set while one
  // committed may have read it from before that commit, and applying it would withdraw the parameter
  // just written here (nothing would bring it back, as a process is not told of its own commits).
  let localCommits = 0;
  let inFlight = 0;
  // Reloads run one at a time, the latest last, so a slow reload never overwrites a newer one.
  let chain: Promise<unknown> = Promise.resolve();
  const reload = (): Promise<number> => {
    inFlight++;
    const run = chain.then(async () => {
      try {
        const seen = localCommits;
        const stored = await storedSearchParameters(store);
        // Stale by a local commit: the reload that commit queued (below) reads again and applies.
        if (seen === localCommits) resyncSearchParameters(stored);
        return stored.size;
      } finally {
        inFlight--;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  };
  store.onCommit((written) => {
    let any = false;
    for (const v of written) {
      if (v.type !== 'SearchParameter') continue;
      syncSearchParameter(v.id, v.json === undefined ? undefined : (JSON.parse(v.json) as Resource));
      any = true;
    }
    if (!any) return;
    localCommits++;
    if (inFlight) void reload().catch(() => undefined);
  });
  // Listening before the first load: a commit announced while it reads is reloaded after it, not lost.
  // A reload that fails (the database briefly unreachable) is tried again, a few times with growing
  // pauses: otherwise this process would search with stale parameters until the next change.
  const reloadWithRetries = (attempt = 0): void => {
    reload().catch(() => {
      if (attempt < 5) setTimeout(() => reloadWithRetries(attempt + 1), 500 * 2 ** attempt).unref();
    });
  };
  store.onExternalCommit((types) => {
    if (types !== 'all' && !types.includes('SearchParameter')) return;
    reloadWithRetries();
  });
  return reload();
}
