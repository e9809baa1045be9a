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

/**
 * A bare origin (`https://hooks.example.org`) becomes `https://hooks.example.org/`, so that it cannot
 * be matched by `https://hooks.example.org.evil.example/`. A prefix that is not a URL matches nothing.
 */
function normalisePrefix(prefix: string): string {
  try {
    return new URL(prefix).toString();
  } catch {
    return '\0';
  }
}
