/**
 * Mail templates for the outbox events that send mail, in English and Russian.
 * Everything interpolated into HTML is escaped; tokens are URL-encoded in links.
 */

export type MailLanguage = 'en' | 'ru';
export const MAIL_LANGUAGES: readonly MailLanguage[] = ['en', 'ru'];

export const MAIL_EVENT_EMAIL_CONFIRMATION = 'system.user.email.confirmation.token';
export const MAIL_EVENT_PASSWORD_RESET = 'system.user.password.reset.token';
export const MAIL_EVENT_SESSION_CREATE = 'system.session.create';
export const MAIL_EVENT_PASSWORD_CHANGE = 'system.user.password.change';

/** Outbox event names that have a mail template (insert these with mail_status 'pending'). */
export const MAIL_EVENTS: ReadonlySet<string> = new Set([
  MAIL_EVENT_EMAIL_CONFIRMATION,
  MAIL_EVENT_PASSWORD_RESET,
  MAIL_EVENT_SESSION_CREATE,
  MAIL_EVENT_PASSWORD_CHANGE,
]);

export interface RenderedMail { subject: string; text: string; html: string }
export interface RenderOptions { appUrl: string; appName: string; language: string }

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

interface Ctx { appName: string; link?: string; ip?: string; userAgent?: string }
interface Template { subject: string; text: (c: Ctx) => string; html: (c: Ctx) => string }

const e = escapeHtml;
const linkHtml = (href: string, label: string) => `<p><a href="${e(href)}">${e(label)}</a></p>\n<p>${e(href)}</p>`;
const layout = (appName: string, body: string) =>
  `<!doctype html>\n<html><body style="font-family:sans-serif">\n${body}\n<p>— ${e(appName)}</p>\n</body></html>\n`;

const TEMPLATES: Record<string, Record<MailLanguage, Template>> = {
  [MAIL_EVENT_EMAIL_CONFIRMATION]: {
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
  [MAIL_EVENT_PASSWORD_RESET]: {
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
  [MAIL_EVENT_SESSION_CREATE]: {
    en: {
      subject: 'New login to your account',
      text: (c) => `Hello,\n\nThere was a new login to your ${c.appName} account.\n\nIP address: ${c.ip}\nDevice: ${c.userAgent}\n\nIf it was not you, change your password right away.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Hello,</p>\n<p>There was a new login to your ${e(c.appName)} account.</p>\n<p>IP address: ${e(c.ip!)}<br>\nDevice: ${e(c.userAgent!)}</p>\n<p>If it was not you, change your password right away.</p>`),
    },
    ru: {
      subject: 'Новый вход в вашу учётную запись',
      text: (c) => `Здравствуйте!\n\nВыполнен вход в вашу учётную запись ${c.appName}.\n\nIP-адрес: ${c.ip}\nУстройство: ${c.userAgent}\n\nЕсли это были не вы, немедленно смените пароль.\n\n— ${c.appName}\n`,
      html: (c) => layout(c.appName, `<p>Здравствуйте!</p>\n<p>Выполнен вход в вашу учётную запись ${e(c.appName)}.</p>\n<p>IP-адрес: ${e(c.ip!)}<br>\nУстройство: ${e(c.userAgent!)}</p>\n<p>Если это были не вы, немедленно смените пароль.</p>`),
    },
  },
  [MAIL_EVENT_PASSWORD_CHANGE]: {
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
};

const LINK_PATHS: Record<string, string> = {
  [MAIL_EVENT_EMAIL_CONFIRMATION]: '/accounts/confirmation',
  [MAIL_EVENT_PASSWORD_RESET]: '/accounts/password_reset',
};

/** Strips CR/LF and control characters from a one-line value (IP, user agent). */
const oneLine = (v: unknown) => String(v ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 512);

/**
 * Renders the mail of an outbox event. `payload` is the outbox payload
 * (`{ record: { user, token?, user_ip?, user_agent? }, name }`). Returns null when the event
 * has no template; throws MailRenderError when a token event carries no token.
 */
export function renderMail(name: string, payload: unknown, opts: RenderOptions): RenderedMail | null {
  const byLang = Object.prototype.hasOwnProperty.call(TEMPLATES, name) ? TEMPLATES[name] : undefined;
  if (!byLang) return null;
  const lang = resolveLanguage(opts.language);
  const t = byLang[lang];
  const record = ((payload as { record?: unknown } | null)?.record ?? {}) as Record<string, unknown>;
  const appName = opts.appName;
  const ctx: Ctx = { appName };
  const linkPath = LINK_PATHS[name];
  if (linkPath) {
    const token = record.token;
    if (typeof token !== 'string' || token === '') throw new MailRenderError(`payload of ${name} has no token`);
    ctx.link = `${opts.appUrl.replace(/\/+$/, '')}${linkPath}?token=${encodeURIComponent(token)}&lang=${lang}`;
  }
  if (name === MAIL_EVENT_SESSION_CREATE) {
    ctx.ip = oneLine(record.user_ip) || '?';
    ctx.userAgent = oneLine(record.user_agent) || '?';
  }
  return { subject: `${t.subject} — ${oneLine(appName)}`, text: t.text(ctx), html: t.html(ctx) };
}
