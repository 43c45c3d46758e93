/**
 * The Nebeus door's JSON-RPC dialect (Odoo-style): requests are `POST` JSON, either the envelope
 * `{"jsonrpc":"2.0","method":"call","params":{…},"id":…}` or the bare params object. Answers
 * echo `id`. Protocol problems (not JSON, not an object, a bad envelope) are HTTP 400 with a
 * JSON-RPC `error`; business failures are HTTP 200 with `result.status = "error"`.
 */
export interface RpcCall {
  id: string | number | null;
  params: Record<string, unknown>;
}

/** JSON-RPC 2.0 error codes. */
export const RPC = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, internal: -32603 } as const;

export class RpcProtocolError extends Error {
  constructor(readonly code: number, message: string, readonly status = 400, readonly id: string | number | null = null) {
    super(message);
    this.name = 'RpcProtocolError';
  }
}

import { parseJsonWithoutNul } from '../../lib/nul.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses request text; an empty body is an empty params object. */
export function parseJsonBody(text: string): unknown {
  const t = text.trim();
  if (t === '') return {};
  try {
    return parseJsonWithoutNul(t);
  } catch {
    throw new RpcProtocolError(RPC.parse, 'Parse error');
  }
}

/** The params and id of a request body (already parsed JSON, or undefined for none). */
export function readCall(body: unknown): RpcCall {
  if (body === undefined || body === null) return { id: null, params: {} };
  if (!isObject(body)) throw new RpcProtocolError(RPC.invalidRequest, 'Invalid Request');
  // No Nebeus method takes an argument called `params`: an object under that name is an envelope's.
  const isEnvelope = 'jsonrpc' in body || ('method' in body && 'params' in body) || isObject(body.params);
  if (!isEnvelope) return { id: null, params: body };
  const id = body.id === undefined ? null : body.id;
  if (id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    throw new RpcProtocolError(RPC.invalidRequest, 'Invalid Request');
  }
  if (body.jsonrpc !== undefined && body.jsonrpc !== '2.0') throw new RpcProtocolError(RPC.invalidRequest, 'Invalid Request', 400, id);
  if (body.method !== undefined && body.method !== 'call') throw new RpcProtocolError(RPC.methodNotFound, 'Method not found', 400, id);
  if (body.params === undefined || body.params === null) return { id, params: {} };
  if (!isObject(body.params)) throw new RpcProtocolError(RPC.invalidParams, 'Invalid params', 400, id);
  return { id, params: body.params };
}

export const envelope = (id: RpcCall['id'], result: unknown) => ({ id, jsonrpc: '2.0', result });
export const success = (id: RpcCall['id']) => envelope(id, { status: 'success' });
export const failure = (id: RpcCall['id'], message: string) => envelope(id, { status: 'error', message });

export function protocolErrorBody(err: RpcProtocolError) {
  return { jsonrpc: '2.0', id: err.id, error: { code: err.code, message: err.message } };
}
