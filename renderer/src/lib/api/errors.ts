import { ApiError } from '../../../../shared/client';

/** A user-readable sentence for anything a call can throw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'INTERNAL' && err.message === 'connection lost') {
      return 'The connection to the Emotion Studio engine was lost.';
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
