import { Type, type TObject } from '@sinclair/typebox';

/** OpenAPI documentation of the Nebeus door (validation is the door's own: see rpc.ts and the services). */
export const TAG = 'nebeus';

const Text = (description?: string) => Type.String(description ? { description } : {});

/** The JSON-RPC envelope around `params`, or the bare params object. */
export const rpcBody = (params: TObject) => Type.Union([
  Type.Object({ jsonrpc: Type.Literal('2.0'), method: Type.Literal('call'), params, id: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()])) }),
  params,
]);

export const Empty = Type.Object({});
export const SignIn = Type.Object({
  login: Text('email'), password: Text(),
  otp: Type.Optional(Text('authenticator or recovery code (users with two-factor authentication)')),
  captcha_response: Type.Optional(Text('when CAPTCHA_PROTECTED_ENDPOINTS has session_create')),
});
export const LoginOnly = Type.Object({ login: Text('email'), captcha_response: Type.Optional(Text('when CAPTCHA_PROTECTED_ENDPOINTS has password_reset')) });
export const SignUp = Type.Object({
  login: Text('email'), name: Text(), surname: Text(), password: Text(), confirm_password: Text(),
  country: Type.Integer({ description: 'country id (get_countries)' }),
  device_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 14, description: 'OneSignal device_type: 0 iOS, 1 Android, … 14 Huawei' })),
  identifier: Type.Optional(Text('push notification token (Google or Apple)')),
  language: Type.Optional(Text('language code, e.g. es')),
  timezone: Type.Optional(Type.Integer({ description: 'seconds away from UTC' })),
  app_version: Type.Optional(Text()), device_model: Type.Optional(Text()), device_os: Type.Optional(Text()),
  captcha_response: Type.Optional(Text('when CAPTCHA_PROTECTED_ENDPOINTS has user_create')),
});
