import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PASSWORD_MIN_ENTROPY,
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_PASSWORD_REGEXP,
  DEFAULT_PASSWORD_REGEXP_RUBY_FORM,
  DEFAULT_PASSWORD_REGEXP_SOURCE,
  checkPassword,
  rubyRegexpToJs,
  rubyRegexpToS,
} from './policy.js';

test('defaults as reported by the configs endpoint', () => {
  assert.equal(
    DEFAULT_PASSWORD_REGEXP_RUBY_FORM,
    '(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)',
  );
  assert.equal(rubyRegexpToS(DEFAULT_PASSWORD_REGEXP_SOURCE), DEFAULT_PASSWORD_REGEXP_RUBY_FORM);
  assert.equal(DEFAULT_PASSWORD_MIN_ENTROPY, 14);
  assert.ok(DEFAULT_PASSWORD_REGEXP.unicode);
  assert.equal(DEFAULT_PASSWORD_POLICY.regexp, DEFAULT_PASSWORD_REGEXP);
});

test('default regexp: lower, upper, digit, 8–80 characters', () => {
  const ok = (s: string) => DEFAULT_PASSWORD_REGEXP.test(s);
  assert.equal(ok('Password1'), true);
  assert.equal(ok('Passwor1'), true); // 8
  assert.equal(ok('Passw1'), false); // 6
  assert.equal(ok('Aa1' + 'x'.repeat(77)), true); // 80
  assert.equal(ok('Aa1' + 'x'.repeat(78)), false); // 81
  assert.equal(ok('password1'), false); // no upper
  assert.equal(ok('PASSWORD1'), false); // no lower
  assert.equal(ok('Password'), false); // no digit
  assert.equal(ok('Pass word 1'), true); // spaces are fine
  // Unicode letters and digits count (POSIX classes are Unicode-aware in Ruby)
  assert.equal(ok('Ääääää1x'), true);
  assert.equal(ok('Пароль123'), true);
  assert.equal(ok('Passwort١'), true); // ARABIC-INDIC DIGIT ONE
  // length counts characters, not UTF-16 units
  assert.equal(ok('Aa1' + '😀'.repeat(77)), true);
  assert.equal(ok('Aa1' + '😀'.repeat(78)), false);
});

test('default regexp keeps Ruby semantics: ^ $ are line anchors, . is anything but \\n', () => {
  const ok = (s: string) => DEFAULT_PASSWORD_REGEXP.test(s);
  assert.equal(ok('bad\nPassword1'), true); // one matching line is enough in Ruby
  assert.equal(ok('Password1\n'), true);
  assert.equal(ok('Pass\nword1'), false);
  assert.equal(ok('Passw\rord1'), true); // "\r" is an ordinary character for Ruby's "."
});

test('checkPassword: requirements are checked before entropy', () => {
  assert.equal(checkPassword('password'), 'password.requirements');
  assert.equal(checkPassword('Simple'), 'password.requirements');
  assert.equal(checkPassword('password1'), 'password.requirements');
  assert.equal(checkPassword('qwerty123'), 'password.requirements');
  assert.equal(checkPassword(''), 'password.requirements');
});

test('checkPassword: reference verdicts with min entropy 14', () => {
  for (const weak of ['Password1', 'Password1123', 'Qq123123', 'QqQq123123', 'Moon2020!', 'Str0ng!Pass']) {
    assert.equal(checkPassword(weak), 'password.weak', weak);
  }
  for (const strong of [
    'testPassword111',
    'Oo213Wqw',
    'Gol4aid1',
    'Tecohvi0',
    'Gol4aid2',
    'ZahSh8ei',
    'zieV0Kai',
    'Fai5aesoLEcx',
    'Iequ4geiEWQw',
    'ZahSh8exwdi',
    'Kal31ewwqXrew',
    'eeC2BiCucxWEQ',
    'Xwqe213PZCXwe',
    'KeeKi7zoWExzc',
  ]) {
    assert.equal(checkPassword(strong), null, strong);
  }
});

test('checkPassword: custom policy', () => {
  const policy = { regexp: DEFAULT_PASSWORD_REGEXP, minEntropy: 16 };
  assert.equal(checkPassword('Gol4aid1', policy), 'password.weak'); // 15
  assert.equal(checkPassword('Fai5aesoLEcx', policy), null); // 17
  const anything = { regexp: rubyRegexpToJs('.*'), minEntropy: 0 };
  assert.equal(checkPassword('password', anything), null); // entropy 2 ≥ 0
  assert.equal(checkPassword('', anything), 'password.weak'); // entropy −2
});

test('checkPassword ignores lastIndex state of global regexps', () => {
  const policy = { regexp: new RegExp(DEFAULT_PASSWORD_REGEXP.source, 'gu'), minEntropy: 14 };
  for (let i = 0; i < 3; i++) assert.equal(checkPassword('Tecohvi0', policy), null);
  assert.equal(policy.regexp.lastIndex, 0);
});

test('rubyRegexpToJs: POSIX bracket classes', () => {
  const m = (src: string, s: string) => rubyRegexpToJs(src).test(s);
  assert.equal(m('\\A[[:lower:]]+\\z', 'abcé'), true);
  assert.equal(m('\\A[[:lower:]]+\\z', 'abC'), false);
  assert.equal(m('\\A[[:upper:]]+\\z', 'ÄBC'), true);
  assert.equal(m('\\A[[:digit:]]+\\z', '12٣'), true);
  assert.equal(m('\\A[[:digit:]]+\\z', '12a'), false);
  assert.equal(m('\\A[[:alpha:]]+\\z', 'abcДж'), true);
  assert.equal(m('\\A[[:alpha:]]+\\z', 'abc1'), false);
  assert.equal(m('\\A[[:alnum:]]+\\z', 'abc1'), true);
  assert.equal(m('\\A[[:alnum:]]+\\z', 'abc_'), false);
  assert.equal(m('\\A[[:punct:]]+\\z', '!?.,;:-_()«»$+<=>^`|~'), true);
  assert.equal(m('\\A[[:punct:]]+\\z', 'a'), false);
  assert.equal(m('\\A[[:space:]]+\\z', ' \t\n\u00a0\u2003'), true);
  assert.equal(m('\\A[[:space:]]+\\z', '_'), false);
  assert.equal(m('\\A[[:graph:]]+\\z', 'a!é😀'), true);
  assert.equal(m('[[:graph:]]', ' \t\n\u00a0'), false);
  // negated POSIX classes, negated classes and combinations
  assert.equal(m('\\A[[:^digit:]]+\\z', 'abc'), true);
  assert.equal(m('\\A[^[:space:]]+\\z', 'a b'), false);
  assert.equal(m('\\A[a-c[:digit:]_-]+\\z', 'ab9_-'), true);
  assert.equal(m('\\A[a-c[:digit:]_-]+\\z', 'abd'), false);
  assert.equal(m('\\A[^a[:graph:]]+\\z', ' \t'), true);
  assert.equal(m('\\A[^a[:graph:]]+\\z', ' a'), false);
  assert.equal(m('\\A[^a[:graph:]]+\\z', ' b'), false);
  // \p{…} with Ruby's POSIX-style names and other properties
  assert.equal(m('\\A\\p{Alpha}\\p{^Alpha}\\P{Lower}\\z', 'x1X'), true);
  assert.equal(m('\\A\\p{Greek}+\\z', 'αβγ'), true);
});

test('rubyRegexpToJs: anchors, escapes, intervals, groups', () => {
  const m = (src: string, s: string) => rubyRegexpToJs(src).test(s);
  assert.equal(m('\\Aab\\z', 'ab\n'), false);
  assert.equal(m('\\Aab\\Z', 'ab\n'), true);
  assert.equal(m('^ab$', 'x\nab\ny'), true);
  assert.equal(m('\\Aa.b\\z', 'a\nb'), false);
  assert.equal(m('\\A(?m:a.b)\\z', 'a\nb'), true);
  assert.equal(m('\\A(?m)a.b\\z', 'a\nb'), true);
  assert.equal(m('\\A\\h{2,}\\z', 'aF09'), true);
  assert.equal(m('\\A\\h{2,}\\z', 'g0'), false);
  assert.equal(m('\\Aa\\sb\\z', 'a\tb'), true);
  assert.equal(m('\\Aa\\sb\\z', 'a\u00a0b'), false); // Ruby's \s is ASCII-only
  assert.equal(m('\\Aa{,2}\\z', 'aa'), true);
  assert.equal(m('\\Aa{,2}\\z', 'aaa'), false);
  assert.equal(m('\\Aa{x}\\z', 'a{x}'), true); // not an interval: literal braces
  assert.equal(m('\\A\\.\\-\\/\\z', '.-/'), true);
  assert.equal(m('\\A[\\]\\\\]+\\z', ']\\'), true);
  assert.equal(m('\\A[]a]+\\z', ']a'), true);
  assert.equal(m('\\A\\e\\x41\\u00e9\\z', '\u001bAé'), true);
  assert.equal(m('\\A(?<x>ab)\\k<x>\\z', 'abab'), true);
  assert.equal(m('\\A(a)\\1\\z', 'aa'), true);
  assert.equal(m('\\A(?#comment)a\\z', 'a'), true);
  assert.equal(m('\\A(?=.*\\d)(?!.*x).{3}\\z', 'ab1'), true);
  // the to_s form is accepted too
  assert.equal(m('(?-mix:\\Aab\\z)', 'ab'), true);
  assert.equal(rubyRegexpToJs(DEFAULT_PASSWORD_REGEXP_RUBY_FORM).test('Password1'), true);
  assert.equal(rubyRegexpToJs(DEFAULT_PASSWORD_REGEXP_RUBY_FORM).test('password1'), false);
});

test('rubyRegexpToJs rejects what JS cannot express', () => {
  for (const src of ['(?>a)', 'a++', 'a*+', '(?i)a', '(?x:a)', '[a&&b]', '[[a]]', '\\G', '\\K', '(a', 'a)', '[a', '\\p{NoSuchThing}', '\\q']) {
    assert.throws(() => rubyRegexpToJs(src), /password regexp/, src);
  }
});
