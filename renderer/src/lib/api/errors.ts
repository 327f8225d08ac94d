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

/** An error as a view shows it: the engine's code (when it sent one) and a readable message. */
export interface ViewError {
  code: string;
  message: string;
}

export function toViewError(err: unknown): ViewError {
  return { code: err instanceof ApiError ? err.code : 'ERROR', message: describeError(err) };
}
