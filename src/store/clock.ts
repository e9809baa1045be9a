/**
 * meta.lastUpdated for new versions. Strictly increasing within a process, so that `_since` and the
 * history order agree even when two writes fall in the same millisecond.
 */
export class LastUpdatedClock {
  private last = 0;

  /**
   * @param after the resource's previous lastUpdated, when another process may have written it: a new
   *   version is never older than the one before it, whichever process's clock stamped that one.
   */
  now(after?: string): string {
    const t = Math.max(Date.now(), this.last + 1, after === undefined ? 0 : Date.parse(after) + 1);
    this.last = t;
    return new Date(t).toISOString();
  }
}
