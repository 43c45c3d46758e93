#!/usr/bin/env node
// Calls an exchange API behind Warden's gateway check with an HMAC API key, the way trading
// bots do (BARONG.md §11.5). Plain Node 20, no dependencies.
//
//   WARDEN_KID=… WARDEN_SECRET=… node examples/api-key-client.mjs https://exchange.example/api/v2/peatio/account/balances
//
// Every request carries three headers:
//   X-Auth-Apikey     the key id (kid)
//   X-Auth-Nonce      the current time in milliseconds; it must be within the server's window
//                     (APIKEY_NONCE_LIFETIME, 5 s by default) and is accepted once per key
//   X-Auth-Signature  hex HMAC(secret, nonce + kid), SHA-256/384/512 for HS256/HS384/HS512
import { createHmac } from 'node:crypto';

const DIGEST = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** The three headers for one request. Use a fresh nonce for every request. */
export function signedHeaders(kid, secret, { algorithm = 'HS256', nonce = String(Date.now()) } = {}) {
  const digest = DIGEST[algorithm];
  if (!digest) throw new Error(`unsupported algorithm ${algorithm}`);
  const signature = createHmac(digest, secret).update(nonce + kid).digest('hex');
  return { 'X-Auth-Apikey': kid, 'X-Auth-Nonce': nonce, 'X-Auth-Signature': signature };
}

let lastNonce = 0;
/** Millisecond nonces that never repeat, even for two requests in the same millisecond. */
export function nextNonce(now = Date.now()) {
  lastNonce = Math.max(now, lastNonce + 1);
  return String(lastNonce);
}

/** fetch() with the API-key headers added. */
export function signedFetch(url, { kid, secret, algorithm = 'HS256', ...init } = {}) {
  const headers = { ...init.headers, ...signedHeaders(kid, secret, { algorithm, nonce: nextNonce() }) };
  return fetch(url, { ...init, headers });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2];
  const { WARDEN_KID: kid, WARDEN_SECRET: secret, WARDEN_ALGORITHM: algorithm = 'HS256' } = process.env;
  if (!url || !kid || !secret) {
    console.error('usage: WARDEN_KID=… WARDEN_SECRET=… node examples/api-key-client.mjs <url>');
    process.exit(2);
  }
  const res = await signedFetch(url, { kid, secret, algorithm });
  console.log(res.status, await res.text());
}
