/**
 * A value loaded at most once per `ttlMs`; concurrent readers share the load
 * in flight. A failed load (rejected, or undefined) is not cached: the next
 * read tries again.
 */
export class CachedValue<T> {
  private value: { readonly at: number; readonly data: T } | undefined;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    this.inFlight ??= this.load()
      .then((data) => {
        this.value = data === undefined ? undefined : { at: this.now(), data };
        return data;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
