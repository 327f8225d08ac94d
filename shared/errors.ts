/**
 * Errors cross every boundary (IPC, WebSocket, CLI) as plain `{ code, message }` data:
 * Electron drops custom error properties, so nothing else survives the trip anyway.
 */
export const ERROR_CODES = [
  /** The payload failed schema validation. */
  'INVALID_PAYLOAD',
  /** No such method in the contract. */
  'UNKNOWN_METHOD',
  /** The caller is not allowed (untrusted sender, bad token). */
  'FORBIDDEN',
  /** A path is missing, unreadable, or outside what the user chose. */
  'NOT_FOUND',
  'NOT_A_FOLDER',
  'UNREADABLE',
  /** A file exists but its contents are not usable. */
  'BAD_FILE',
  /** The thing exists in the contract but this host cannot do it (e.g. a native dialog in browser mode). */
  'UNSUPPORTED',
  /** The thing is in use and cannot change now (e.g. deleting an experiment that is still training). */
  'BUSY',
  'CANCELLED',
  /** Anything unexpected; the message says what. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RpcError {
  code: ErrorCode;
  message: string;
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/** Thrown by the engine; converted to `RpcError` at every boundary. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

export function isRpcError(value: unknown): value is RpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RpcError).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as RpcError).code)
  );
}

export function toRpcError(err: unknown): RpcError {
  if (err instanceof EngineError) return { code: err.code, message: err.message };
  if (isRpcError(err)) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
