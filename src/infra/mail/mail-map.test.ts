import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailMap, expressionMatches, loadMailMap } from './mail-map.js';
import { MAIL_EVENTS } from './templates.js';

const user = { uid: 'ID1', email: 'a@example.com', role: 'member', level: 1, state: 'active' };
const ctx = { appUrl: 'https://app.example.com/', appName: 'Warden', language: null, defaultLanguage: 'en' };

function mapFile(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-mailmap-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, 'mailer.yml');
}

test('default map: the built-in events, English and Russian, DEFAULT_LANGUAGE as fallback', () => {
  const m = MailMap.defaults();
  assert.deepEqual(new Set(m.events), MAIL_EVENTS);
  assert.equal(m.handles('model.user.created'), false);
  const payload = { record: { user, domain: 'x' }, name: 'system.user.password.change' };
  assert.match(m.render('system.user.password.change', payload, ctx)!.subject, /^Your password was changed/);
  assert.match(m.render('system.user.password.change', payload, { ...ctx, language: 'ru-RU' })!.subject, /^Ваш пароль/);
  assert.match(m.render('system.user.password.change', payload, { ...ctx, language: 'de', defaultLanguage: 'ru' })!.subject, /^Ваш пароль/);
  assert.equal(m.render('model.user.created', payload, ctx), null);
});

test('expressions: and / or / not over dotted paths, compared as strings', () => {
  const ev = { record: { key: 'phone', value: 'verified', user: { role: 'member', level: 2 } } };
  assert.equal(expressionMatches(undefined, ev), true);
  assert.equal(expressionMatches({ and: { 'record.key': 'phone', 'record.user.level': 2 } }, ev), true);
  assert.equal(expressionMatches({ and: { 'record.key': 'phone', 'record.value': 'rejected' } }, ev), false);
  assert.equal(expressionMatches({ or: { 'record.key': 'document', 'record.value': 'verified' } }, ev), true);
  assert.equal(expressionMatches({ not: { 'record.user.role': 'admin' } }, ev), true);
  assert.equal(expressionMatches({ not: { 'record.user.role': 'member' } }, ev), false);
  assert.equal(expressionMatches({ and: { 'record.missing.deep': 'x' } }, ev), false);
});

test('a Barong-style mailer.yml: exchange aliases, custom templates with placeholders, built-ins, expression', () => {
  const file = mapFile({
    'mailer.yml': `
exchanges:
  barong_system: { name: barong.events.system }
  barong_model: { name: barong.events.model }
events:
  - name: Label Updated
    key: label.updated
    exchange: barong_model
    expression: { and: { record.key: phone } }
    templates:
      en: { subject: "Label {{ record.key }} is {{ record.value }}", template_path: label.en.html }
      de: { subject: "Etikett", template_path: label.en.html, text_path: label.de.txt }
  - event: system.session.create
    templates:
      en: { template: session_create, subject: "Login!" }
`,
    'label.en.html': '<html><body><p>Hi {{ user.email }}, {{ record.key }} = {{ record.value }} <a href="{{ app_url }}/x?e={{ user.email | url }}">go</a></p></body></html>',
    'label.de.txt': 'Hallo {{ user.email }} <{{ record.value }}>',
  });
  const m = loadMailMap(file);
  assert.deepEqual(m.events, ['model.label.updated', 'system.session.create']);
  const payload = { record: { key: 'phone', value: '<b>v</b>', user }, changes: { value: 'x' }, name: 'model.label.updated' };
  const en = m.render('model.label.updated', payload, { ...ctx, antiPhishing: 'Owl 7' })!;
  assert.equal(en.subject, 'Label phone is <b>v</b>');
  assert.ok(en.html.includes('phone = &lt;b&gt;v&lt;/b&gt;'), en.html);
  assert.ok(en.html.includes('href="https://app.example.com/x?e=a%40example.com"'), en.html);
  assert.ok(en.html.includes('Your anti-phishing code: <strong>Owl 7</strong>'), 'the banner is added to custom templates');
  assert.match(en.text, /^Your anti-phishing code: Owl 7\n\nHi a@example\.com, phone = <b>v<\/b> go \(https:\/\/app\.example\.com\/x\?e=a%40example\.com\)/);
  const de = m.render('model.label.updated', payload, { ...ctx, language: 'de' })!;
  assert.equal(de.text, 'Hallo a@example.com <<b>v</b>>');
  assert.equal(m.render('model.label.updated', { ...payload, record: { ...payload.record, key: 'email' } }, ctx), null, 'expression filters it out');
  const login = m.render('system.session.create', { record: { user, user_ip: '1.1.1.1', user_agent: 'ua' } }, { ...ctx, freezeLink: 'https://f/x?token=t' })!;
  assert.equal(login.subject, 'Login!');
  assert.ok(login.text.includes('https://f/x?token=t'));
  assert.equal(m.render('system.session.create', { record: { user } }, { ...ctx, language: 'ru', defaultLanguage: 'fr' })!.subject, 'Login!', 'falls back to English');
});

test('a template that places {{ anti_phishing }} itself gets no banner', () => {
  const file = mapFile({
    'mailer.yml': 'events:\n  - event: system.user.password.change\n    templates:\n      en: { subject: S, template_path: t.html }\n',
    't.html': '<p>Code: {{ anti_phishing }}</p>',
  });
  const mail = loadMailMap(file).render('system.user.password.change', { record: { user } }, { ...ctx, antiPhishing: 'Owl & 7' })!;
  assert.equal(mail.html, '<p>Code: Owl &amp; 7</p>');
});

test('mistakes in the file stop the boot with the place named', () => {
  assert.throws(() => loadMailMap(mapFile({ 'mailer.yml': 'nothing: here\n' })), /needs an "events" list/);
  assert.throws(() => loadMailMap(mapFile({ 'mailer.yml': 'events:\n  - key: a.b\n    templates: { en: { template: x } }\n' })), /give "event", or "key" and "exchange"/);
  assert.throws(() => loadMailMap(mapFile({ 'mailer.yml': 'events:\n  - event: a.b\n    templates: { en: { template: nope } }\n' })), /unknown built-in template "nope"/);
  assert.throws(() => loadMailMap(mapFile({ 'mailer.yml': 'events:\n  - event: a.b\n    templates: { en: { subject: S, template_path: missing.html } }\n' })), /cannot read missing\.html/);
  assert.throws(() => loadMailMap(mapFile({ 'mailer.yml': 'events:\n  - event: a.b\n    templates: {}\n' })), /no templates/);
});
