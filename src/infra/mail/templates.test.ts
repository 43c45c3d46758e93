import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAIL_EVENTS, MailRenderError, escapeHtml, renderMail, resolveLanguage } from './templates.js';
import { NBC_EVENT_TEMPLATES } from './templates-nbc.js';

const user = { uid: 'ID123', email: 'a@example.com', username: null, role: 'member', level: 0, otp: false, state: 'pending' };
const token = 'eyJhbGciOi.JSUzI1NiJ9+/=&x<y>';
const opts = { appUrl: 'https://app.example.com/', appName: 'Warden', language: 'en' };
const payload = (name: string, extra: object = {}) => ({ record: { user, domain: 'example.com', ...extra }, name });

test('MAIL_EVENTS lists the five mail events (plus the token sign-in ones of templates-nbc.ts)', () => {
  assert.deepEqual([...MAIL_EVENTS].filter((n) => !(n in NBC_EVENT_TEMPLATES)).sort(), [
    'system.session.create',
    'system.user.account.frozen',
    'system.user.email.confirmation.token',
    'system.user.password.change',
    'system.user.password.reset.token',
  ]);
});

test('email confirmation: English, link with the encoded token, APP_URL and lang', () => {
  const name = 'system.user.email.confirmation.token';
  const m = renderMail(name, payload(name, { token }), opts)!;
  assert.ok(m);
  assert.match(m.subject, /^Confirm your email/);
  const link = `https://app.example.com/accounts/confirmation?token=${encodeURIComponent(token)}&lang=en`;
  assert.ok(m.text.includes(link), m.text);
  assert.ok(m.html.includes(escapeHtml(link)), m.html);
  assert.ok(m.text.includes(`token=${encodeURIComponent(token)}`));
  assert.ok(!m.html.includes('<y>'), 'raw token characters never reach HTML');
});

test('password reset: Russian, link with lang=ru', () => {
  const name = 'system.user.password.reset.token';
  const m = renderMail(name, payload(name, { token }), { ...opts, language: 'ru' })!;
  assert.equal(m.subject, 'Сброс пароля — Warden');
  const link = `https://app.example.com/accounts/password_reset?token=${encodeURIComponent(token)}&lang=ru`;
  assert.ok(m.text.includes(link));
  assert.ok(m.html.includes(escapeHtml(link)));
  assert.match(m.text, /Здравствуйте/);
});

test('English reset and Russian confirmation have their own texts', () => {
  const reset = renderMail('system.user.password.reset.token', payload('x', { token: 't' }), opts)!;
  assert.match(reset.subject, /^Reset your password/);
  assert.ok(reset.text.includes('https://app.example.com/accounts/password_reset?token=t&lang=en'));
  const confirm = renderMail('system.user.email.confirmation.token', payload('x', { token: 't' }), { ...opts, language: 'RU' })!;
  assert.match(confirm.subject, /^Подтвердите/);
  assert.ok(confirm.text.includes('/accounts/confirmation?token=t&lang=ru'));
});

test('session.create: IP and user agent, HTML-escaped', () => {
  const ua = '<script>alert("x")</script> & Firefox';
  for (const language of ['en', 'ru']) {
    const m = renderMail('system.session.create', payload('system.session.create', { user_ip: '203.0.113.9', user_agent: ua }), { ...opts, language })!;
    assert.ok(m.html.includes('203.0.113.9'));
    assert.ok(m.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Firefox'), m.html);
    assert.ok(!m.html.includes('<script>'));
    assert.ok(m.text.includes(ua), 'plain text keeps the user agent as is');
  }
  const en = renderMail('system.session.create', payload('system.session.create', { user_ip: '1.2.3.4', user_agent: 'x' }), opts)!;
  assert.match(en.subject, /^New login to your account/);
});

test('password.change in both languages', () => {
  const en = renderMail('system.user.password.change', payload('system.user.password.change'), opts)!;
  assert.match(en.subject, /^Your password was changed/);
  assert.match(en.html, /password of your Warden account was changed/);
  const ru = renderMail('system.user.password.change', payload('system.user.password.change'), { ...opts, language: 'ru' })!;
  assert.match(ru.subject, /^Ваш пароль изменён/);
});

test('unknown language falls back to English; app name is escaped in HTML', () => {
  const m = renderMail('system.user.password.change', payload('x'), { ...opts, language: 'xx', appName: 'A&B <Co>' })!;
  assert.match(m.subject, /^Your password was changed/);
  assert.ok(m.html.includes('A&amp;B &lt;Co&gt;'));
  assert.ok(!m.html.includes('<Co>'));
  assert.equal(resolveLanguage('ru-RU'), 'ru');
  assert.equal(resolveLanguage(undefined), 'en');
  assert.equal(resolveLanguage('de'), 'en');
});

test('unknown event → null; token event without a token → MailRenderError', () => {
  assert.equal(renderMail('system.user.create', payload('system.user.create'), opts), null);
  assert.equal(renderMail('toString', payload('toString'), opts), null);
  assert.throws(() => renderMail('system.user.password.reset.token', payload('x'), opts), MailRenderError);
});

test('anti-phishing phrase: on top of both parts, escaped in HTML, label in the mail language', () => {
  const phrase = 'Blue <falcon> & 42';
  for (const [language, label] of [['en', 'Your anti-phishing code'], ['ru', 'Ваш антифишинговый код']]) {
    const m = renderMail('system.user.password.change', payload('x'), { ...opts, language, antiPhishing: phrase })!;
    assert.ok(m.text.startsWith(`${label}: ${phrase}\n\n`), m.text);
    assert.ok(m.html.includes(`${label}: <strong>Blue &lt;falcon&gt; &amp; 42</strong>`), m.html);
    assert.ok(!m.html.includes('<falcon>'));
    assert.ok(m.html.indexOf(label) < m.html.indexOf(language === 'en' ? 'Hello' : 'Здравствуйте'), 'before the greeting');
  }
  const none = renderMail('system.user.password.change', payload('x'), { ...opts, antiPhishing: null })!;
  assert.ok(!/anti-phishing/i.test(none.text));
});

test('session.create with a freeze link: link in both parts, the old advice without one', () => {
  const freezeLink = 'https://api.example.com/api/v2/auth/identity/users/freeze?token=a.b.c';
  for (const language of ['en', 'ru']) {
    const m = renderMail('system.session.create', payload('system.session.create', { user_ip: '1.2.3.4', user_agent: 'x' }), { ...opts, language, freezeLink })!;
    assert.ok(m.text.includes(freezeLink));
    assert.ok(m.html.includes(`href="${escapeHtml(freezeLink)}"`));
  }
  const plain = renderMail('system.session.create', payload('system.session.create', { user_ip: '1.2.3.4', user_agent: 'x' }), opts)!;
  assert.ok(!plain.text.includes('freeze'));
  assert.match(plain.text, /change your password right away/);
});

test('account.frozen tells how to recover, in both languages', () => {
  const en = renderMail('system.user.account.frozen', payload('system.user.account.frozen'), opts)!;
  assert.match(en.subject, /^Your account is frozen — Warden$/);
  assert.match(en.text, /support/);
  assert.match(en.text, /reset your password/);
  const ru = renderMail('system.user.account.frozen', payload('system.user.account.frozen'), { ...opts, language: 'ru' })!;
  assert.match(ru.subject, /^Ваша учётная запись заморожена/);
});
