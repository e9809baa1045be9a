/**
 * meta.lastUpdated for new versions. Strictly increasing within a process, so that `_since` and the
 * history order agree even when two writes fall in the same millisecond.
 */
export class LastUpdatedClock {
  private last = 0;

  now(): string {
    const t = Math.max(Date.now(), this.last + 1);
    this.last = t;
    return new Date(t).toISOString();
  }
}
