/**
 * Which URLs may receive notifications (`--subscription-allow`, QIAO_SUBSCRIPTION_ALLOW): a Subscription
 * makes the server send data to whatever endpoint it names, so only endpoints an operator listed are
 * accepted. Empty (the default) allows none: secure by default.
 */

/** Normalises a configured prefix list: repeatable flags and comma lists alike, blanks dropped. */
export function parseAllowList(values: readonly string[] | string | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * An http(s) URL that starts with one of the prefixes. The URL is compared in its parsed, normalised
 * form (lower-case scheme and host, default port dropped), so `HTTP://Example.org:80/x` cannot slip
 * past the prefix `http://example.org/`; user info is refused outright, since it is a common way to
 * dress one host up as another.
 */
export function endpointAllowed(endpoint: string, prefixes: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const normal = url.toString();
  return prefixes.some((p) => normal.startsWith(normalisePrefix(p)));
}

function normalisePrefix(prefix: string): string {
  try {
    const url = new URL(prefix);
    // new URL adds a '/' to a bare origin; keep the prefix as short as it was written otherwise.
    return prefix.endsWith('/') || url.pathname !== '/' ? url.toString() : url.toString().slice(0, -1);
  } catch {
    return prefix;
  }
}
