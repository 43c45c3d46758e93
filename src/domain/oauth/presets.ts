/**
 * What a provider looks like before the operator's settings are applied. OpenID Connect
 * providers are found through discovery (`<issuer>/.well-known/openid-configuration`); plain
 * OAuth 2.0 ones (Facebook, PayPal) have fixed endpoints and a user-info document of their own
 * shape. Every field can be overridden per provider in OAUTH_PROVIDERS_FILE (e.g. PayPal's
 * sandbox endpoints, a newer Graph API version).
 */
export type ProviderKind = 'oidc' | 'oauth2';
/** How the user-info document (or ID token claims) names the subject, email and its verification. */
export type ProfileShape = 'oidc' | 'facebook' | 'paypal' | 'claims';
export type TokenAuth = 'client_secret_basic' | 'client_secret_post';

export interface Endpoints { authorization?: string; token?: string; userinfo?: string; jwks?: string }

export interface Preset {
  kind: ProviderKind;
  displayName?: string;
  issuer?: string;
  endpoints?: Endpoints;
  scopes: string[];
  profile: ProfileShape;
  pkce: boolean;
  tokenAuth: TokenAuth;
  responseMode: 'query' | 'form_post';
  /** Treat a returned email as verified when the provider says nothing about it. */
  trustEmail: boolean;
}

const OIDC: Preset = {
  kind: 'oidc', scopes: ['openid', 'email', 'profile'], profile: 'oidc', pkce: true, tokenAuth: 'client_secret_basic',
  responseMode: 'query', trustEmail: false,
};

export type PresetName = 'google' | 'facebook' | 'linkedin' | 'paypal' | 'apple' | 'auth0' | 'oidc' | 'oauth2';

export const PRESETS: Record<PresetName, Preset> = {
  google: { ...OIDC, displayName: 'Google OAuth2', issuer: 'https://accounts.google.com' },
  // Facebook Login is plain OAuth 2.0; the Graph API only returns an email the user confirmed.
  facebook: {
    ...OIDC, kind: 'oauth2', displayName: 'Facebook Graph', profile: 'facebook', tokenAuth: 'client_secret_post', trustEmail: true,
    scopes: ['email', 'public_profile'],
    endpoints: {
      authorization: 'https://www.facebook.com/v19.0/dialog/oauth',
      token: 'https://graph.facebook.com/v19.0/oauth/access_token',
      userinfo: 'https://graph.facebook.com/v19.0/me?fields=id,name,email',
    },
  },
  // "Sign In with LinkedIn using OpenID Connect"; LinkedIn takes PKCE from native apps only.
  linkedin: { ...OIDC, displayName: 'LinkedIn', issuer: 'https://www.linkedin.com/oauth', tokenAuth: 'client_secret_post', pkce: false },
  // Log in with PayPal: the user-info document lists emails with a `confirmed` flag.
  paypal: {
    ...OIDC, kind: 'oauth2', displayName: 'PayPal', profile: 'paypal', pkce: false,
    scopes: ['openid', 'email', 'https://uri.paypal.com/services/paypalattributes'],
    endpoints: {
      authorization: 'https://www.paypal.com/signin/authorize',
      token: 'https://api-m.paypal.com/v1/oauth2/token',
      userinfo: 'https://api-m.paypal.com/v1/identity/oauth2/userinfo?schema=paypalv1.1',
    },
  },
  // Sign in with Apple posts the answer back (form_post) when name or email is asked for; its
  // client secret is a short ES256 JWT that Warden signs with the operator's key.
  apple: { ...OIDC, displayName: 'Apple', issuer: 'https://appleid.apple.com', scopes: ['name', 'email'], responseMode: 'form_post', tokenAuth: 'client_secret_post', pkce: false },
  // The issuer comes from `domain` (the tenant, e.g. example.eu.auth0.com).
  auth0: { ...OIDC, displayName: 'Auth0' },
  oidc: OIDC,
  // Anything else speaking OAuth 2.0: endpoints and `claims` names are the operator's.
  oauth2: { ...OIDC, kind: 'oauth2', profile: 'claims', scopes: [] },
};
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
