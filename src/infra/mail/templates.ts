/**
 * Mail templates for the outbox events that send mail, in English and Russian.
 * Everything interpolated into HTML is escaped; tokens are URL-encoded in links.
 */

import { NBC_EVENT_TEMPLATES, NBC_TEMPLATES, isNbcTemplate, nbcMailContext, type NbcTemplateId } from './templates-nbc.js';

export type MailLanguage = 'en' | 'ru';
export const MAIL_LANGUAGES: readonly MailLanguage[] = ['en', 'ru'];

export const MAIL_EVENT_EMAIL_CONFIRMATION = 'system.user.email.confirmation.token';
export const MAIL_EVENT_PASSWORD_RESET = 'system.user.password.reset.token';
export const MAIL_EVENT_SESSION_CREATE = 'system.session.create';
export const MAIL_EVENT_PASSWORD_CHANGE = 'system.user.password.change';
export const MAIL_EVENT_ACCOUNT_FROZEN = 'system.user.account.frozen';

/** The built-in templates, by id (the `template:` of a mail map entry). */
export type BuiltinTemplateId = 'email_confirmation' | 'password_reset' | 'session_create' | 'password_change' | 'account_frozen'
  | NbcTemplateId; // token sign-in, sign-up and 2FA reset mails: templates-nbc.ts

/** The default mail map: which event is mailed with which built-in template. */
export const DEFAULT_EVENT_TEMPLATES: Readonly<Record<string, BuiltinTemplateId>> = {
  [MAIL_EVENT_EMAIL_CONFIRMATION]: 'email_confirmation',
  [MAIL_EVENT_PASSWORD_RESET]: 'password_reset',
  [MAIL_EVENT_SESSION_CREATE]: 'session_create',
  [MAIL_EVENT_PASSWORD_CHANGE]: 'password_change',
  [MAIL_EVENT_ACCOUNT_FROZEN]: 'account_frozen',
  ...NBC_EVENT_TEMPLATES,
};

/** Outbox event names the default map mails (insert these with mail_status 'pending'). */
export const MAIL_EVENTS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_EVENT_TEMPLATES));

export interface RenderedMail { subject: string; text: string; html: string }
export interface RenderOptions {
  appUrl: string;
  appName: string;
  language: string;
  /** The recipient's anti-phishing phrase, shown at the top of the mail. */
  antiPhishing?: string | null;
  /** session_create: the signed single-use link that freezes the account. */
  freezeLink?: string | null;
}

/** Malformed payload for a known event (e.g. a token event without a token). */
export class MailRenderError extends Error {
  override readonly name = 'MailRenderError';
}

/** 'ru', 'RU', 'ru-RU', 'ru_RU' → 'ru'; anything unknown → 'en'. */
export function resolveLanguage(language: string | null | undefined): MailLanguage {
  const base = String(language ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (MAIL_LANGUAGES as readonly string[]).includes(base) ? (base as MailLanguage) : 'en';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Ctx { appName: string; link?: string; ip?: string; userAgent?: string; freezeLink?: string | null }
interface Template { subject: string; text: (c: Ctx) => string; html: (c: Ctx) => string }

const e = escapeHtml;
const linkHtml = (href: string, label: string) => `<p><a href="${e(href)}">${e(label)}</a></p>\n<p>${e(href)}</p>`;
const layout = (appName: string, body: string) =>
  `<!doctype html>\n<html><body style="font-family:sans-serif">\n${body}\n<p>— ${e(appName)}</p>\n</body></html>\n`;

const TEMPLATES: Record<BuiltinTemplateId, Record<MailLanguage, Template>> = {
  email_confirmation: {
    en: {
      subject: 'Confirm your email',
      text: (c) => `Hello,\n\nPlease confirm your email address for ${c.appName} by opening this link:\n\n${c.link}\n\nIf you did not sign up, ignore this message.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>Please confirm your email address for ${e(c.appName)}:</p>\n${linkHtml(c.link!, 'Confirm email')}\n<p>If you did not sign up, ignore this message.</p>`),
    },
    ru: {
      subject: 'Подтвердите адрес электронной почты',
      text: (c) => `Здравствуйте!\n\nПодтвердите адрес электронной почты в ${c.appName}, перейдя по ссылке:\n\n${c.link}\n\nЕсли вы не регистрировались, просто проигнорируйте это письмо.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Подтвердите адрес электронной почты в ${e(c.appName)}:</p>\n${linkHtml(c.link!, 'Подтвердить адрес')}\n<p>Если вы не регистрировались, просто проигнорируйте это письмо.</p>`),
    },
  },
  password_reset: {
    en: {
      subject: 'Reset your password',
      text: (c) => `Hello,\n\nSomeone asked to reset the password of your ${c.appName} account. To choose a new password, open this link:\n\n${c.link}\n\nIf it was not you, ignore this message; your password stays unchanged.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>Someone asked to reset the password of your ${e(c.appName)} account. To choose a new password, open this link:</p>\n${linkHtml(c.link!, 'Reset password')}\n<p>If it was not you, ignore this message; your password stays unchanged.</p>`),
    },
    ru: {
      subject: 'Сброс пароля',
      text: (c) => `Здравствуйте!\n\nПоступил запрос на сброс пароля вашей учётной записи ${c.appName}. Чтобы задать новый пароль, перейдите по ссылке:\n\n${c.link}\n\nЕсли это были не вы, проигнорируйте письмо — пароль останется прежним.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Поступил запрос на сброс пароля вашей учётной записи ${e(c.appName)}. Чтобы задать новый пароль, перейдите по ссылке:</p>\n${linkHtml(c.link!, 'Сбросить пароль')}\n<p>Если это были не вы, проигнорируйте письмо — пароль останется прежним.</p>`),
    },
  },
  session_create: {
    en: {
      subject: 'New login to your account',
      text: (c) => `Hello,\n\nThere was a new login to your ${c.appName} account.\n\nIP address: ${c.ip}\nDevice: ${c.userAgent}\n\n${c.freezeLink
        ? `If it was not you, freeze your account right away with this link (it works once):\n\n${c.freezeLink}\n\nFreezing logs you out everywhere, turns off your API keys and locks the account until support unlocks it.`
        : 'If it was not you, change your password right away.'}\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>There was a new login to your ${e(c.appName)} account.</p>\n<p>IP address: ${e(c.ip!)}<br>\nDevice: ${e(c.userAgent!)}</p>\n${c.freezeLink
        ? `<p>If it was not you, freeze your account right away (the link works once):</p>\n${linkHtml(c.freezeLink, 'Freeze my account')}\n<p>Freezing logs you out everywhere, turns off your API keys and locks the account until support unlocks it.</p>`
        : '<p>If it was not you, change your password right away.</p>'}`),
    },
    ru: {
      subject: 'Новый вход в вашу учётную запись',
      text: (c) => `Здравствуйте!\n\nВыполнен вход в вашу учётную запись ${c.appName}.\n\nIP-адрес: ${c.ip}\nУстройство: ${c.userAgent}\n\n${c.freezeLink
        ? `Если это были не вы, немедленно заморозьте учётную запись по этой ссылке (она действует один раз):\n\n${c.freezeLink}\n\nЗаморозка завершит все сеансы, отключит ваши API-ключи и заблокирует учётную запись, пока её не разблокирует служба поддержки.`
        : 'Если это были не вы, немедленно смените пароль.'}\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Выполнен вход в вашу учётную запись ${e(c.appName)}.</p>\n<p>IP-адрес: ${e(c.ip!)}<br>\nУстройство: ${e(c.userAgent!)}</p>\n${c.freezeLink
        ? `<p>Если это были не вы, немедленно заморозьте учётную запись (ссылка действует один раз):</p>\n${linkHtml(c.freezeLink, 'Заморозить учётную запись')}\n<p>Заморозка завершит все сеансы, отключит ваши API-ключи и заблокирует учётную запись, пока её не разблокирует служба поддержки.</p>`
        : '<p>Если это были не вы, немедленно смените пароль.</p>'}`),
    },
  },
  password_change: {
    en: {
      subject: 'Your password was changed',
      text: (c) => `Hello,\n\nThe password of your ${c.appName} account was changed.\n\nIf you did not do this, reset your password and contact support right away.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>The password of your ${e(c.appName)} account was changed.</p>\n<p>If you did not do this, reset your password and contact support right away.</p>`),
    },
    ru: {
      subject: 'Ваш пароль изменён',
      text: (c) => `Здравствуйте!\n\nПароль вашей учётной записи ${c.appName} был изменён.\n\nЕсли это сделали не вы, сбросьте пароль и срочно свяжитесь со службой поддержки.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Пароль вашей учётной записи ${e(c.appName)} был изменён.</p>\n<p>Если это сделали не вы, сбросьте пароль и срочно свяжитесь со службой поддержки.</p>`),
    },
  },
  account_frozen: {
    en: {
      subject: 'Your account is frozen',
      text: (c) => `Hello,\n\nYour ${c.appName} account was frozen with the link of a new-login mail: every session was ended, your API keys were turned off and the account is locked.\n\nTo get it back, reply to this mail or write to support from this address. Once support has checked it is you, they unlock the account; then reset your password with "Forgot password" and create new API keys.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>Your ${e(c.appName)} account was frozen with the link of a new-login mail: every session was ended, your API keys were turned off and the account is locked.</p>\n<p>To get it back, reply to this mail or write to support from this address. Once support has checked it is you, they unlock the account; then reset your password with “Forgot password” and create new API keys.</p>`),
    },
    ru: {
      subject: 'Ваша учётная запись заморожена',
      text: (c) => `Здравствуйте!\n\nВаша учётная запись ${c.appName} заморожена по ссылке из письма о новом входе: все сеансы завершены, API-ключи отключены, учётная запись заблокирована.\n\nЧтобы восстановить доступ, ответьте на это письмо или напишите в службу поддержки с этого адреса. После проверки поддержка разблокирует учётную запись; затем сбросьте пароль через «Забыли пароль?» и создайте новые API-ключи.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Ваша учётная запись ${e(c.appName)} заморожена по ссылке из письма о новом входе: все сеансы завершены, API-ключи отключены, учётная запись заблокирована.</p>\n<p>Чтобы восстановить доступ, ответьте на это письмо или напишите в службу поддержки с этого адреса. После проверки поддержка разблокирует учётную запись; затем сбросьте пароль через «Забыли пароль?» и создайте новые API-ключи.</p>`),
    },
  },
  ...NBC_TEMPLATES,
};

const LINK_PATHS: Partial<Record<BuiltinTemplateId, string>> = {
  email_confirmation: '/accounts/confirmation',
  password_reset: '/accounts/password_reset',
};

/** Strips CR/LF and control characters from a one-line value (IP, user agent). */
const oneLine = (v: unknown) => String(v ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 512);

export function isBuiltinTemplate(id: string): id is BuiltinTemplateId {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, id);
}

/**
 * Renders the mail of an outbox event with the default map. `payload` is the outbox payload
 * (`{ record: { user, token?, user_ip?, user_agent? }, name }`). Returns null when the event
 * has no template; throws MailRenderError when a token event carries no token.
 */
export function renderMail(name: string, payload: unknown, opts: RenderOptions): RenderedMail | null {
  const id = Object.prototype.hasOwnProperty.call(DEFAULT_EVENT_TEMPLATES, name) ? DEFAULT_EVENT_TEMPLATES[name] : undefined;
  return id ? renderBuiltin(id, name, payload, opts) : null;
}

/** Renders a built-in template (in the language of opts, English when it has none) with the anti-phishing banner. */
export function renderBuiltin(id: BuiltinTemplateId, name: string, payload: unknown, opts: RenderOptions): RenderedMail {
  const lang = resolveLanguage(opts.language);
  const t = TEMPLATES[id][lang];
  const record = ((payload as { record?: unknown } | null)?.record ?? {}) as Record<string, unknown>;
  const appName = opts.appName;
  const ctx: Ctx = { appName };
  const linkPath = LINK_PATHS[id];
  if (linkPath) {
    const token = record.token;
    if (typeof token !== 'string' || token === '') throw new MailRenderError(`payload of ${name} has no token`);
    ctx.link = `${opts.appUrl.replace(/\/+$/, '')}${linkPath}?token=${encodeURIComponent(token)}&lang=${lang}`;
  }
  if (isNbcTemplate(id)) {
    try { Object.assign(ctx, nbcMailContext(id, name, record, opts.appUrl)); } catch (err) { throw new MailRenderError((err as Error).message); }
  }
  if (id === 'session_create') {
    ctx.ip = oneLine(record.user_ip) || '?';
    ctx.userAgent = oneLine(record.user_agent) || '?';
    ctx.freezeLink = opts.freezeLink ?? null;
  }
  return withAntiPhishing({ subject: `${t.subject} — ${oneLine(appName)}`, text: t.text(ctx), html: t.html(ctx) }, opts.antiPhishing, opts.language);
}

const ANTI_PHISHING_LABEL: Record<MailLanguage, string> = { en: 'Your anti-phishing code', ru: 'Ваш антифишинговый код' };

/**
 * Puts the recipient's anti-phishing phrase at the top of both parts. A mail without it (or
 * with another) did not come from us: that is the whole point, so it goes in every mail.
 */
export function withAntiPhishing(mail: RenderedMail, phrase: string | null | undefined, language: string): RenderedMail {
  const code = oneLine(phrase);
  if (!code) return mail;
  const label = ANTI_PHISHING_LABEL[resolveLanguage(language)];
  const banner = `<p style="border:1px solid #888;padding:6px">${e(label)}: <strong>${e(code)}</strong></p>`;
  const bodyOpen = /<body[^>]*>\n?/i.exec(mail.html);
  const html = bodyOpen
    ? `${mail.html.slice(0, bodyOpen.index + bodyOpen[0].length)}${banner}\n${mail.html.slice(bodyOpen.index + bodyOpen[0].length)}`
    : `${banner}\n${mail.html}`;
  return { subject: mail.subject, text: `${label}: ${code}\n\n${mail.text}`, html };
}
