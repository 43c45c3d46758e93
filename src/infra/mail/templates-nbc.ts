/**
 * Mail templates of token sign-in, step-by-step sign-up, password recovery, email/password
 * change and 2FA reset (the NBC gate door), in English and Russian. Plugged into the built-in
 * templates by templates.ts; kept apart so both sets can change without touching each other.
 * Self-contained on purpose (no import of templates.ts: no module cycle).
 */

export type NbcTemplateId =
  | 'tfa_code' | 'recovery_code' | 'password_change_code' | 'email_change_code' | 'sign_up_code'
  | 'sign_up_existing' | 'email_changed' | 'tfa_reset' | 'tfa_reset_done';

/** Which event is mailed with which template (events emitted by domain/email-codes/code-mail.ts). */
export const NBC_EVENT_TEMPLATES: Readonly<Record<string, NbcTemplateId>> = {
  'system.user.tfa.code': 'tfa_code',
  'system.user.password.recovery.code': 'recovery_code',
  'system.user.password.change.code': 'password_change_code',
  'system.user.email.change.code': 'email_change_code',
  'system.registration.email.code': 'sign_up_code',
  'system.registration.email.taken': 'sign_up_existing',
  'system.user.email.changed': 'email_changed',
  'system.user.tfa.reset.requested': 'tfa_reset',
  'system.user.tfa.reset': 'tfa_reset_done',
};

/** What these templates read (a subset of templates.ts's context plus the code). */
export interface NbcMailCtx { appName: string; code?: string; minutes?: string; link?: string; previousEmail?: string }
type Lang = 'en' | 'ru';
interface NbcTemplate { subject: string; text: (c: NbcMailCtx) => string; html: (c: NbcMailCtx) => string }

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const page = (c: NbcMailCtx, body: string) =>
  `<!doctype html>\n<html><body style="font-family:sans-serif">\n${body}\n<p>— ${esc(c.appName)}</p>\n</body></html>\n`;
const para = (s: string) => `<p>${esc(s)}</p>`;
const GREETING: Record<Lang, string> = { en: 'Hello,', ru: 'Здравствуйте!' };

/** A template of plain paragraphs; `{code}`, `{minutes}`, `{link}`, `{app}`, `{old}` are filled in. */
function plain(lang: Lang, subject: string, paragraphs: string[]): NbcTemplate {
  const values = (c: NbcMailCtx): Record<string, string | undefined> => ({ code: c.code, minutes: c.minutes, link: c.link, old: c.previousEmail, app: c.appName });
  const fill = (s: string, c: NbcMailCtx) => s.replace(/\{(code|minutes|link|app|old)\}/g, (_m, k: string) => values(c)[k] ?? '');
  return {
    subject,
    text: (c) => `${GREETING[lang]}\n\n${paragraphs.map((p) => fill(p, c)).join('\n\n')}\n\n— ${c.appName}\n`,
    html: (c) => page(c, [para(GREETING[lang]), ...paragraphs.map((p) => {
      const filled = fill(p, c);
      if (p === '{code}') return `<p style="font-size:24px;letter-spacing:4px"><strong>${esc(filled)}</strong></p>`;
      if (p === '{link}') return `<p><a href="${esc(filled)}">${esc(filled)}</a></p>`;
      return para(filled);
    })].join('\n')),
  };
}

const codeMail = (en: [string, string], ru: [string, string]): Record<Lang, NbcTemplate> => ({
  en: plain('en', en[0], [en[1], '{code}', 'The code is valid for {minutes} minutes and works once. Never share it with anyone, support included.']),
  ru: plain('ru', ru[0], [ru[1], '{code}', 'Код действует {minutes} мин. и только один раз. Никому его не сообщайте, даже службе поддержки.']),
});

export const NBC_TEMPLATES: Readonly<Record<NbcTemplateId, Record<Lang, NbcTemplate>>> = {
  tfa_code: codeMail(
    ['Your sign-in code', 'Your code to sign in to {app} (or to change your two-factor settings):'],
    ['Ваш код для входа', 'Ваш код для входа в {app} (или для изменения настроек двухфакторной защиты):'],
  ),
  recovery_code: codeMail(
    ['Your password recovery code', 'Someone asked to recover the password of your {app} account. If it was you, enter this code with your new password; if not, ignore this message.'],
    ['Код восстановления пароля', 'Поступил запрос на восстановление пароля вашей учётной записи {app}. Если это были вы, введите этот код вместе с новым паролем; если нет — проигнорируйте письмо.'],
  ),
  password_change_code: codeMail(
    ['Confirm your password change', 'Your code to change the password of your {app} account:'],
    ['Подтвердите смену пароля', 'Ваш код для смены пароля учётной записи {app}:'],
  ),
  email_change_code: codeMail(
    ['Confirm your new email', 'Your code to make this address the email of your {app} account:'],
    ['Подтвердите новый адрес', 'Ваш код, чтобы сделать этот адрес почтой вашей учётной записи {app}:'],
  ),
  sign_up_code: codeMail(
    ['Your sign-up code', 'Your code to create an {app} account with this address:'],
    ['Код для регистрации', 'Ваш код для создания учётной записи {app} с этим адресом:'],
  ),
  sign_up_existing: {
    en: plain('en', 'You already have an account', ['Someone tried to sign up for {app} with this address, but you already have an account. Sign in, or recover your password if you forgot it. If it was not you, ignore this message.']),
    ru: plain('ru', 'У вас уже есть учётная запись', ['Кто-то попытался зарегистрироваться в {app} с этим адресом, но учётная запись с ним уже есть. Войдите или восстановите пароль, если забыли его. Если это были не вы, проигнорируйте письмо.']),
  },
  email_changed: {
    en: plain('en', 'Your email was changed', ['The email of your {app} account was changed from this address ({old}) to another one.', 'If you did not do this, contact support right away.']),
    ru: plain('ru', 'Адрес почты изменён', ['Адрес почты вашей учётной записи {app} изменён с этого ({old}) на другой.', 'Если это сделали не вы, срочно свяжитесь со службой поддержки.']),
  },
  tfa_reset: {
    en: plain('en', 'Confirm the two-factor reset', ['Someone who knows your password asked to turn off two-factor authentication of your {app} account. To confirm, open this link:', '{link}', 'Creating API keys stays blocked for 24 hours afterwards. If it was not you, do not open the link and change your password right away.']),
    ru: plain('ru', 'Подтвердите сброс двухфакторной защиты', ['Кто-то, кто знает ваш пароль, запросил отключение двухфакторной защиты вашей учётной записи {app}. Чтобы подтвердить, перейдите по ссылке:', '{link}', 'После этого создание API-ключей будет заблокировано на 24 часа. Если это были не вы, не открывайте ссылку и немедленно смените пароль.']),
  },
  tfa_reset_done: {
    en: plain('en', 'Two-factor authentication was turned off', ['Two-factor authentication of your {app} account was turned off with a reset link; every session was ended and API keys cannot be created for 24 hours.', 'If you did not do this, contact support right away.']),
    ru: plain('ru', 'Двухфакторная защита отключена', ['Двухфакторная защита вашей учётной записи {app} отключена по ссылке сброса; все сеансы завершены, API-ключи нельзя создавать 24 часа.', 'Если это сделали не вы, срочно свяжитесь со службой поддержки.']),
  },
};

const CODE_TEMPLATES: ReadonlySet<NbcTemplateId> = new Set(['tfa_code', 'recovery_code', 'password_change_code', 'email_change_code', 'sign_up_code']);

export function isNbcTemplate(id: string): id is NbcTemplateId {
  return Object.prototype.hasOwnProperty.call(NBC_TEMPLATES, id);
}

/**
 * The values a template of this file needs from the event record; throws when the record
 * lacks them (the dispatcher then marks the mail failed instead of sending an empty code).
 */
export function nbcMailContext(id: NbcTemplateId, name: string, record: Record<string, unknown>, appUrl: string): Partial<NbcMailCtx> {
  if (CODE_TEMPLATES.has(id)) {
    if (typeof record.code !== 'string' || !/^\d{6}$/.test(record.code)) throw new Error(`payload of ${name} has no code`);
    const minutes = typeof record.valid_minutes === 'number' && record.valid_minutes > 0 ? String(record.valid_minutes) : '10';
    return { code: record.code, minutes };
  }
  if (id === 'tfa_reset') {
    if (typeof record.token !== 'string' || record.token === '') throw new Error(`payload of ${name} has no token`);
    return { link: `${appUrl.replace(/\/+$/, '')}/tfa/otp/reset/${encodeURIComponent(record.token)}` };
  }
  if (id === 'email_changed') return { previousEmail: typeof record.previous_email === 'string' ? record.previous_email : '' };
  return {};
}
