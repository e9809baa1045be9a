/**
 * The access token of each Qiao server under measurement, by origin: Qiao is measured as it ships, with
 * every request carrying a bearer token and passing the guard. The bare baseline server has none.
 */
const tokens = new Map<string, string>();

export function rememberToken(url: string, token: string): void {
  tokens.set(new URL(url).origin, token);
}

/** `{ authorization: 'Bearer ...' }` for a URL of a server with a token, else nothing. */
export function authHeaders(url: string): Record<string, string> {
  const token = tokens.get(new URL(url).origin);
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
