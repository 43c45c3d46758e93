import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailRenderError, renderMail } from './templates.js';
import { NBC_EVENT_TEMPLATES } from './templates-nbc.js';

const user = { uid: 'ID123', email: 'a@example.com', role: 'member', level: 1, otp: false, state: 'active' };
const opts = { appUrl: 'https://app.example.com/', appName: 'Warden', language: 'en' };
const payload = (name: string, record: object) => ({ record: { user, domain: 'example.com', ...record }, name });

test('every code event renders its code in both languages, with its own subject', () => {
  const codeEvents = Object.entries(NBC_EVENT_TEMPLATES).filter(([, id]) => id.endsWith('_code')).map(([name]) => name);
  assert.equal(codeEvents.length, 5);
  const subjects = new Set<string>();
  for (const name of codeEvents) {
    for (const language of ['en', 'ru']) {
      const m = renderMail(name, payload(name, { code: '012345', valid_minutes: 7 }), { ...opts, language })!;
      assert.ok(m.text.includes('012345') && m.html.includes('012345'), name);
      assert.match(m.text, /\b7\b/);
      subjects.add(m.subject);
    }
  }
  assert.equal(subjects.size, 10);
});

test('a code event without a six-digit code is a render error, never an empty code', () => {
  assert.throws(() => renderMail('system.user.tfa.code', payload('system.user.tfa.code', { code: '' }), opts), MailRenderError);
  assert.throws(() => renderMail('system.user.tfa.code', payload('system.user.tfa.code', {}), opts), MailRenderError);
});

test('2FA reset link: APP_URL + /tfa/otp/reset/<token>, escaped in HTML', () => {
  const m = renderMail('system.user.tfa.reset.requested', payload('x', { token: 'abc_-DEF' }), opts)!;
  assert.ok(m.text.includes('https://app.example.com/tfa/otp/reset/abc_-DEF'), m.text);
  assert.match(m.subject, /^Confirm the two-factor reset/);
  const changed = renderMail('system.user.email.changed', payload('x', { previous_email: '<old>@example.com' }), opts)!;
  assert.ok(changed.html.includes('&lt;old&gt;@example.com') && !changed.html.includes('<old>'));
});
