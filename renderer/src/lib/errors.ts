/** Reading what was thrown, for messages. */

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A superseded load or interrupted `play()` rejects with an AbortError: not a failure to show. */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
