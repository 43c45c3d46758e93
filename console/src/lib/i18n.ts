import { EN, type TextKey } from './i18n-en.js';
import { RU } from './i18n-ru.js';

export type Lang = 'en' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'ru'];
export type { TextKey };

const TEXTS: Record<Lang, Record<TextKey, string>> = { en: EN, ru: RU };

/** A text with `{name}` placeholders filled in. */
export function translate(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  const template = TEXTS[lang][key] ?? EN[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The API's error keys in words (BARONG.md error keys); unknown keys are spelled out from the key. */
const ERRORS: Record<string, [en: string, ru: string]> = {
  'identity.session.invalid_params': ['Wrong email or password', 'Неверная почта или пароль'],
  'identity.session.missing_otp': ['Enter the code from your authenticator app', 'Введите код из приложения-аутентификатора'],
  'identity.session.invalid_otp': ['The authenticator code is wrong', 'Неверный код аутентификатора'],
  'identity.session.banned': ['This account is banned', 'Учётная запись заблокирована'],
  'identity.session.deleted': ['This account is deleted', 'Учётная запись удалена'],
  'identity.session.not_active': ['This account is not active', 'Учётная запись не активна'],
  'identity.session.missing_email': ['Enter your email', 'Введите почту'],
  'identity.session.missing_password': ['Enter your password', 'Введите пароль'],
  'identity.user.access.invalid_token': ['The link is unknown or has expired', 'Ссылка неизвестна или устарела'],
  'console.no_admin_abilities': ['This account has no admin access', 'У этой учётной записи нет доступа администратора'],
  'admin.ability.not_permitted': ['Your role is not allowed to do this', 'Вашей роли это не разрешено'],
  'authz.invalid_permission': ['A permission rule of your role refuses this request', 'Правило доступа вашей роли запрещает этот запрос'],
  'authz.invalid_session': ['Your session has ended', 'Ваша сессия завершена'],
  'authz.client_session_mismatch': ['Your session has ended', 'Ваша сессия завершена'],
  'authz.missing_csrf_token': ['Your session has ended', 'Ваша сессия завершена'],
  'authz.csrf_token_mismatch': ['Your session has ended', 'Ваша сессия завершена'],
  'authz.user_not_active': ['Your account is not active', 'Ваша учётная запись не активна'],
  'jwt.decode_and_verify': ['You are not signed in', 'Вы не вошли в систему'],
  'admin.user.doesnt_exist': ['No such user', 'Такого пользователя нет'],
  'admin.user.superadmin_change': ['Only a superadmin can change a superadmin', 'Суперадминистратора может менять только суперадминистратор'],
  'admin.user.update_himself': ['You cannot change your own account here', 'Здесь нельзя менять собственную учётную запись'],
  'admin.user.state_no_change': ['The user already has this state', 'У пользователя уже это состояние'],
  'admin.user.otp_no_change': ['Two-factor authentication is already off', 'Двухфакторная аутентификация уже отключена'],
  'admin.user.role_no_change': ['The user already has this role', 'У пользователя уже эта роль'],
  'admin.user.enable_2fa': ['Only the user can turn 2FA on', 'Включить 2FA может только сам пользователь'],
  'role.doesnt_exist': ['This role does not exist', 'Такой роли нет'],
  'admin.label.doesnt_exist': ['No such label', 'Такой метки нет'],
  'key.invalid': ['The key may hold only a–z, 0–9, _ and -', 'Ключ может содержать только a–z, 0–9, _ и -'],
  'key.too_short': ['The key is too short (3 characters at least)', 'Ключ слишком короткий (не меньше 3 символов)'],
  'key.taken': ['The user already has a label with this key', 'У пользователя уже есть метка с этим ключом'],
  'value.invalid': ['The value is not valid', 'Недопустимое значение'],
  'value.too_short': ['The value is too short (3 characters at least)', 'Значение слишком короткое (не меньше 3 символов)'],
  'value.taken': ['This value already exists', 'Такое значение уже есть'],
  'admin.permissions.invalid_verb': ['Unknown verb', 'Неизвестный метод'],
  'admin.permissions.invalid_action': ['The action must be accept, drop or audit', 'Действие должно быть accept, drop или audit'],
  'admin.permission.role_doesnt_exist': ['No rule exists for this role yet', 'Для этой роли ещё нет правил'],
  'admin.permission.doesnt_exist': ['No such rule', 'Такого правила нет'],
  'admin.restriction.doesnt_exist': ['No such restriction', 'Такого ограничения нет'],
  'admin.profiles.doesnt_exist_or_not_editable': ['No submitted profile to decide on', 'Нет поданного профиля для решения'],
  'admin.profiles.second_admin_approval': ['Another admin must approve a profile you created', 'Профиль, созданный вами, должен одобрить другой администратор'],
  'admin.profiles.superadmin_change': ['Only a superadmin can change a superadmin', 'Суперадминистратора может менять только суперадминистратор'],
  'admin.comments.title_too_long': ['The title is too long (64 characters at most)', 'Заголовок слишком длинный (не больше 64 символов)'],
  'admin.comments.data_too_long': ['The comment is too long', 'Комментарий слишком длинный'],
  'record.not_found': ['Not found', 'Не найдено'],
  'route.not_found': ['The server does not offer this function', 'Сервер не поддерживает эту функцию'],
  'network.unreachable': ['The server cannot be reached', 'Сервер недоступен'],
  'server.internal_error': ['Server error', 'Ошибка сервера'],
};

/** "admin.user.invalid_range" → "Invalid range" (the last segment, spelled out). */
export function spellOut(key: string): string {
  const last = key.split('.').pop() ?? key;
  const words = last.replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}

/** One error key in words. */
export function describeError(lang: Lang, key: string): string {
  const known = ERRORS[key];
  if (known) return known[lang === 'ru' ? 1 : 0];
  const http = /^http\.(\d{3})$/.exec(key);
  if (http) return lang === 'ru' ? `Ошибка сервера (HTTP ${http[1]})` : `Server error (HTTP ${http[1]})`;
  return spellOut(key);
}

/** The language the browser prefers, when the admin did not choose one. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if ((LANGS as readonly string[]).includes(base)) return base as Lang;
  }
  return 'en';
}
