import type { JsonWebKey } from 'node:crypto';
import type { Keys } from '../../infra/keys/keystore.js';

export interface JwksDocument { readonly keys: JsonWebKey[] }

const documents = new WeakMap<Keys['verificationKeys'], JwksDocument>();

/**
 * The JSON Web Key Set downstream services verify gateway JWTs with (CONTRACT.md
 * "GET /.well-known/jwks.json"): the current key first, then the previous keys still accepted
 * after a rotation. Public parts only. Static for the process, so it is built once per key list.
 */
export function jwksDocument(keys: Pick<Keys, 'verificationKeys'>): JwksDocument {
  let doc = documents.get(keys.verificationKeys);
  if (!doc) {
    doc = {
      keys: keys.verificationKeys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.algorithm, use: 'sig' })),
    };
    documents.set(keys.verificationKeys, doc);
  }
  return doc;
}
