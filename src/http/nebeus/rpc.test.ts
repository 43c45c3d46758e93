import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBody, readCall, RpcProtocolError } from './rpc.js';

const code = (fn: () => unknown) => {
  try { fn(); } catch (e) { return (e as RpcProtocolError).code; }
  return null;
};

test('envelope and bare params', () => {
  assert.deepEqual(readCall({ jsonrpc: '2.0', method: 'call', params: { login: 'a' }, id: 7 }), { id: 7, params: { login: 'a' } });
  assert.deepEqual(readCall({ jsonrpc: '2.0', params: { login: 'a' } }), { id: null, params: { login: 'a' } });
  assert.deepEqual(readCall({ jsonrpc: '2.0', method: 'call', id: 'x' }), { id: 'x', params: {} });
  assert.deepEqual(readCall({ login: 'a', password: 'b' }), { id: null, params: { login: 'a', password: 'b' } });
  assert.deepEqual(readCall(undefined), { id: null, params: {} });
});

test('protocol errors', () => {
  assert.equal(code(() => parseJsonBody('{"login":')), -32700);
  assert.deepEqual(parseJsonBody('  '), {});
  assert.equal(code(() => readCall([1, 2])), -32600);
  assert.equal(code(() => readCall('text')), -32600);
  assert.equal(code(() => readCall({ jsonrpc: '1.0', params: {} })), -32600);
  assert.equal(code(() => readCall({ jsonrpc: '2.0', method: 'call', params: {}, id: { a: 1 } })), -32600);
  assert.equal(code(() => readCall({ jsonrpc: '2.0', method: 'execute', params: {} })), -32601);
  assert.equal(code(() => readCall({ jsonrpc: '2.0', method: 'call', params: [1] })), -32602);
});
