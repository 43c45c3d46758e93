import type { OAuthHttp } from '../../infra/oauth/http.js';
import type { AccountService } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import { AUTH0_PROVIDER, Auth0Login } from './auth0-login.js';
import { OidcDirectory } from './directory.js';
import { FlowTokens } from './flow-tokens.js';
import { OAuthService } from './oauth-service.js';
import { ProviderClient } from './provider-client.js';
import { auth0Tenant, readProvidersFile } from './providers.js';
import { SocialSecondFactor, type MailedCodes } from './second-factor.js';
import { SocialAccounts } from './social-accounts.js';

export interface OAuthWiringInput {
  identity: IdentityDeps;
  accounts: AccountService;
  /** The NBC door's mailed codes, for users whose second factor they are. */
  mailedCodes: MailedCodes;
  http: OAuthHttp;
  encryptionKey: Buffer;
  now: () => number;
  warn: (fields: Record<string, unknown>, msg: string) => void;
  settings: {
    providersFile?: string;
    apiPrefix: string;
    appUrl: string;
    callbackBaseUrl?: string;
    resultUrl?: string;
    auth0Domain?: string;
    auth0ClientId?: string;
  };
}

/** Builds the social-login services from settings; a bad provider file or Auth0 setting stops the boot. */
export function buildOAuth(i: OAuthWiringInput): { oauth: OAuthService; auth0: Auth0Login } {
  const s = i.settings;
  const callbackBase = (s.callbackBaseUrl ?? s.appUrl).replace(/\/+$/, '');
  const providers = s.providersFile ? readProvidersFile(s.providersFile, { callbackBase, apiPrefix: s.apiPrefix }) : [];
  if ((s.auth0Domain === undefined) !== (s.auth0ClientId === undefined)) throw new Error('AUTH0_DOMAIN, AUTH0_CLIENT_ID: set both or neither');
  if (s.auth0Domain !== undefined && !auth0Tenant(s.auth0Domain)) throw new Error('AUTH0_DOMAIN: a host name or an https:// URL (plain http only to a loopback host)');
  const auth0Settings = s.auth0Domain !== undefined && s.auth0ClientId !== undefined ? { domain: s.auth0Domain, clientId: s.auth0ClientId } : null;

  const directory = new OidcDirectory(i.http, i.now);
  const social = new SocialAccounts(i.identity, i.accounts);
  const secondFactor = new SocialSecondFactor(i.identity, i.mailedCodes);
  const oauth = new OAuthService({
    identity: i.identity, social, secondFactor, client: new ProviderClient(directory, i.http, i.now), tokens: new FlowTokens(i.encryptionKey, i.now), providers,
    warn: i.warn,
    settings: {
      linkBase: `${callbackBase}${s.apiPrefix}/identity/oauth`,
      resultUrl: s.resultUrl ?? `${s.appUrl.replace(/\/+$/, '')}/oauth/result`,
      extraSignInProviders: auth0Settings ? [AUTH0_PROVIDER] : [],
    },
  });
  return { oauth, auth0: new Auth0Login(i.identity, social, secondFactor, directory, auth0Settings, i.now) };
}
