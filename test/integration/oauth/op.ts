import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** A person known to the test provider; the claims it releases for `openid email`. */
export interface OpAccount { sub: string; email?: string; email_verified?: boolean; name?: string }

export interface OpClient { client_id: string; client_secret: string; redirect_uris: string[]; idTokenTtl?: number }

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 with an interaction handler that
 * completes itself: the login prompt signs in `next` (the account the test chose), the consent
 * prompt grants what is asked, and with `deny` set the user "cancels" (access_denied).
 * Standard behaviour stays the provider's: discovery, JWKS, PKCE, nonce, code single use, email
 * claims released through user info (conformIdTokenClaims).
 */
export class TestOp {
  readonly accounts = new Map<string, OpAccount>();
  next = '';
  deny = false;
  private constructor(readonly issuer: string, readonly provider: Provider, private readonly server: http.Server) {}

  static async start(clients: OpClient[]): Promise<TestOp> {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' };
    const ttls = new Map(clients.map((c) => [c.client_id, c.idTokenTtl ?? 3600]));
    let op: TestOp;
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({
        client_id: c.client_id, client_secret: c.client_secret, redirect_uris: c.redirect_uris,
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
      })),
      jwks: { keys: [jwk] },
      cookies: { keys: ['test-op-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
      findAccount: async (_ctx: unknown, sub: string) => {
        const a = op.accounts.get(sub);
        return a ? { accountId: sub, claims: async () => ({ ...a }) } : undefined;
      },
      ttl: {
        IdToken: (_ctx: unknown, _token: unknown, client: { clientId: string }) => ttls.get(client.clientId) ?? 3600,
        AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600,
      },
    } as ConstructorParameters<typeof Provider>[1]);
    op = new TestOp(issuer, provider, server);
    const callback = provider.callback();
    server.on('request', (req, res) => {
      if (req.url?.startsWith('/interaction/')) void op.interact(req, res);
      else callback(req, res);
    });
    return op;
  }

  /** Adds (or replaces) an account and makes it the next one to sign in. */
  as(account: OpAccount): this {
    this.accounts.set(account.sub, account);
    this.next = account.sub;
    return this;
  }

  private async interact(req: http.IncomingMessage, res: http.ServerResponse) {
    try {
      const details = await this.provider.interactionDetails(req, res);
      if (this.deny) {
        await this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user cancelled' }, { mergeWithLastSubmission: false });
        return;
      }
      const prompt = details.prompt as { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
      if (prompt.name === 'login') {
        await this.provider.interactionFinished(req, res, { login: { accountId: this.next } }, { mergeWithLastSubmission: false });
        return;
      }
      const session = details.session as { accountId: string };
      const grant = details.grantId
        ? (await this.provider.Grant.find(details.grantId))!
        : new this.provider.Grant({ accountId: session.accountId, clientId: String(details.params.client_id) });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      await this.provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
