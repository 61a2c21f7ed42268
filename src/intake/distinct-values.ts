/**
 * Repeated values sent once: a bulk order gives its numbers the same
 * settings, so each row carries a 1-based index into a short array of
 * distinct values instead of its own copy. PostgreSQL then parses each
 * JSON value once, and the driver escapes and sends it once.
 */
export class DistinctValues<T> {
  readonly values: T[] = [];
  private readonly index = new Map<T, number>();

  /** The value's 1-based position (a PostgreSQL array subscript). */
  indexOf(value: T): number {
    let found = this.index.get(value);
    if (found === undefined) {
      this.values.push(value);
      found = this.values.length;
      this.index.set(value, found);
    }
    return found;
  }
}
