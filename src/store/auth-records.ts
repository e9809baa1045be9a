/**
 * What the SMART authorization server (src/auth/) keeps besides FHIR resources: registered clients,
 * users, launch contexts, single-use authorization codes, refresh tokens, revoked token ids and seen
 * client-assertion ids. They live in the database, not in a process, so that any of several server
 * processes can finish what another began (a code issued by one is redeemed at another; a revocation
 * at one is honoured by all).
 *
 * A record is a JSON text under (kind, key), optionally expiring (epoch milliseconds). An expired
 * record is absent to every method; purgeExpired() removes them for good. Call them outside
 * store.transaction(): they are not part of it (on SQLite they would wait for it to end).
 */
export interface AuthRecords {
  /** The unexpired record's value. */
  get(kind: string, key: string): Promise<string | undefined>;
  /** Creates or replaces a record. */
  put(kind: string, key: string, value: string, expiresAt?: number): Promise<void>;
  /**
   * Creates a record only when no unexpired one has the key, atomically (RFC 7523 jti replay: two
   * processes seeing the same jti at once cannot both succeed). True when it was created.
   */
  insertNew(kind: string, key: string, value: string, expiresAt?: number): Promise<boolean>;
  /** Removes a record and returns its value if it was unexpired, atomically: single use (codes, refresh rotation). */
  take(kind: string, key: string): Promise<string | undefined>;
  /** Removes a record; true when there was one. */
  delete(kind: string, key: string): Promise<boolean>;
  /** Unexpired records of a kind, by key (administration). */
  list(kind: string): Promise<{ key: string; value: string }[]>;
  /** Removes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}
