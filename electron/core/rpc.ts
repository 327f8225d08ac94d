/**
 * The one place a call from any transport meets the engine: check the method exists in the contract,
 * validate the payload with its zod schema, run the handler, and turn any failure into `{ code, message }`.
 * Transports (Electron IPC, WebSocket) call `dispatch` and never know individual methods.
 */
import type { z } from 'zod';
import { isMethodName, METHODS, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/contract';
import { toRpcError, type RpcResult } from '../../shared/errors';

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
}

export async function dispatch(handlers: Handlers, method: unknown, payload: unknown): Promise<RpcResult<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method ${JSON.stringify(method)}` } };
  }
  const parsed = METHODS[method].input.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: `Invalid payload for ${method}: ${describeIssues(parsed.error.issues)}` },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toRpcError(err) };
  }
}
