import { Type } from '@sinclair/typebox';

const Email = Type.String({ minLength: 1, maxLength: 255, description: 'account email' });
/** min 8 per the NBC gate contract; Warden's password policy applies on top where a password is set. */
const Password = Type.String({ minLength: 8, maxLength: 128 });
const Code = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

/** Checked as on the Barong door (string, or an object for geetest) when the endpoint name is protected. */
const Captcha = (endpoint: string) => Type.Optional(Type.Unknown({ description: `when CAPTCHA_PROTECTED_ENDPOINTS names ${endpoint}` }));

export const SignIn = Type.Object({
  email: Email,
  // Optional in the seed: "" (and null, dropped by the route) mean no code, as a form with an empty field sends it.
  otp: Type.Optional(Type.String({ maxLength: 64, description: 'second factor: authenticator (or recovery) code, or the code mailed by /auth/tfa/otp/email; "" or null: none' })),
  password: Password,
  captcha_response: Captcha('session_create'),
});
export const EmailPassword = Type.Object({ email: Email, password: Password });
export const EmailOnly = Type.Object({ email: Email });
export const SignUpGetCode = Type.Object({ email: Email, captcha_response: Captcha('user_create') });
export const RecoveryRequest = Type.Object({ email: Email, captcha_response: Captcha('password_reset') });
export const RefreshBody = Type.Object({ refreshToken: Type.Optional(Type.String({ maxLength: 128, description: 'when not sent as the cookie or X-Refresh-Token' })) });
export const TokenCheckBody = Type.Object({ token: Type.Optional(Type.String({ maxLength: 4096, description: 'when not sent as Authorization' })) });
export const RecoveryCheck = Type.Object({ email: Email, otp: Code('the code mailed by /auth/recovery/psw'), password: Password });
export const SignUpCheckCode = Type.Object({ email: Email, code: Code('the code mailed by /auth/sign-up/email/get-code') });
export const SignUpPassword = Type.Object({
  password: Password,
  registrationToken: Type.Optional(Type.String({ maxLength: 128, description: 'when not sent as Authorization' })),
});
const Text = (max: number, description?: string) => Type.String({ maxLength: max, description });
export const SignUpUser = Type.Object({
  name: Text(100), surname: Text(100),
  phone: Type.Optional(Text(32, 'international format, e.g. +34612345678')),
  country: Type.Optional(Text(2, 'ISO 3166-1 alpha-2 (see /api/country)')),
  language: Type.Optional(Text(16, 'e.g. en, ru, pt-BR; mails follow it')),
  timezone: Type.Optional(Text(64, 'IANA name, e.g. Europe/Madrid')),
});
export const SignUpOwner = Type.Object({
  companyName: Text(255), type: Text(64), subtype: Text(64), country: Text(2, 'ISO 3166-1 alpha-2'),
});
export const TfaTypeBody = Type.Object({
  type: Type.Union([Type.Literal('email'), Type.Literal('google'), Type.Literal('none')]),
  otp: Type.Optional(Code('a code mailed by /auth/tfa/otp/email (needed for any change)')),
});
export const TotpCode = Type.Object({ code: Code('6-digit authenticator code') });
export const EmailChangeRequest = Type.Object({
  email: Email,
  password: Type.String({ maxLength: 128, description: 'the current password' }),
  otp: Type.Optional(Code('the second-factor code (authenticator, or mailed by /auth/tfa/otp/email) when the user has one')),
});
export const EmailChangeCheck = Type.Object({ email: Email, otp: Code('the code mailed to the new address') });
export const PasswordChangeCheck = Type.Object({ otp: Code('the code mailed by /api/personal/psw/otp'), password: Password });
export const TimezoneBody = Type.Object({ timezone: Text(64, 'IANA name, e.g. Europe/Madrid') });

// Responses (documentation; token-bearing responses are sent pre-serialized).
export const TokenString = Type.String({ description: 'the access token (a JWT); the refresh token comes as a cookie and in X-Refresh-Token' });
export const TfaView = Type.Object({ tfa: Type.Boolean(), type: Type.Union([Type.Literal('google'), Type.Literal('email'), Type.Null()]) });
export const QrCode = Type.Object({ qr: Type.String({ description: 'data:image/png;base64,…' }), url: Type.String({ description: 'otpauth://totp/…' }) });
export const Steps = Type.Object({
  email: Type.Boolean(), password: Type.Boolean(), user: Type.Boolean(), owner: Type.Boolean(), completed: Type.Boolean(),
  next: Type.Union([Type.Literal('email'), Type.Literal('password'), Type.Literal('user'), Type.Literal('owner'), Type.Null()]),
});
export const RegistrationToken = Type.Object({ registrationToken: Type.String({ description: 'send it as Authorization to /auth/sign-up/pss/set' }) });
export const Country = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), phoneCode: Type.Union([Type.String(), Type.Null()]), sepa: Type.Boolean() });
export const ErrorBody = Type.Object({
  statusCode: Type.Integer(), message: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), field: Type.Union([Type.String(), Type.Null()]) })),
});
