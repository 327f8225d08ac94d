/**
 * Latest wins: when a view loads the same thing again (another clip, another selection) before the
 * first answer came back, only the newest load may change its state. One of these per thing loaded.
 */
export interface LatestHandlers<T> {
  /** The answer, when this load is still the newest. */
  value(value: T): void;
  /** The failure, when this load is still the newest. */
  error(err: unknown): void;
  /** After either, when this load is still the newest (e.g. clear a "loading" flag). */
  settled?(): void;
}

export class Latest {
  #generation = 0;

  /** Make every load in flight stale (its answer is dropped). */
  invalidate(): void {
    this.#generation++;
  }

  /** Run `load`; the handlers run only if no newer `run` or `invalidate` came since. True when they ran. */
  async run<T>(load: () => Promise<T>, handlers: LatestHandlers<T>): Promise<boolean> {
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation;
    try {
      const value = await load();
      if (!current()) return false;
      handlers.value(value);
      return true;
    } catch (err) {
      if (current()) handlers.error(err);
      return false;
    } finally {
      if (current()) handlers.settled?.();
    }
  }
}
