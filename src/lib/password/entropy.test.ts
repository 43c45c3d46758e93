import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  dictionaryEntropy,
  downcase,
  maskQwertyRuns,
  nistBonusBits,
  nistEntropy,
  passwordEntropy,
  passwordVariants,
  qwertyEntropy,
  qwertyRuns,
  reverseChars,
  truncateChars,
} from './entropy.js';
import { WordMatcher, commonPasswordMatcher, commonPasswords, parseWordList } from './dictionary.js';

// Reference values of design §15.2 (Barong / strong_password v0.0.9).
const REFERENCE: ReadonlyArray<readonly [string, number]> = [
  ['Password1', 2],
  ['password1', 2],
  ['password', 2],
  ['Simple', 2],
  ['qwerty123', 2],
  ['Password1123', 6],
  ['Qq123123', 5.5],
  ['QqQq123123', 10.5],
  ['Moon2020!', 9],
  ['Str0ng!Pass', 11.5],
  ['testPassword111', 14.125],
  ['Oo213Wqw', 14.5],
  ['Gol4aid1', 15],
  ['Tecohvi0', 15.5],
  ['Gol4aid2', 15.5],
  ['ZahSh8ei', 15.5],
  ['zieV0Kai', 15.5],
  ['Fai5aesoLEcx', 17],
  ['Iequ4geiEWQw', 19.59375],
  ['ZahSh8exwdi', 20],
  ['Kal31ewwqXrew', 20.59375],
  ['eeC2BiCucxWEQ', 21.1875],
  ['Xwqe213PZCXwe', 21.21875],
  ['KeeKi7zoWExzc', 21.46875],
  ['', -2],
  ['a', 2],
];

for (const [password, expected] of REFERENCE) {
  test(`reference entropy: ${JSON.stringify(password)} → ${expected}`, () => {
    assert.equal(passwordEntropy(password), expected);
  });
}

test('E(s): position weights, repeats weakened by 0.75 per occurrence', () => {
  assert.equal(nistEntropy(''), -2);
  assert.equal(nistEntropy('a'), 2);
  // 4 + 2·1 + 2·0.75 ... : a(4) a(2·0.75) a(2·0.5625) a(2·0.421875) − 2
  assert.equal(nistEntropy('aaaa'), 4 + 1.5 + 1.125 + 0.84375 - 2);
  // 26 distinct: 4 + 7·2 + 12·1.5 + 6·1 − 2
  assert.equal(nistEntropy('abcdefghijklmnopqrstuvwxyz'), 40);
  // spaces: 11 chars, third space at i = 8 weighs 0.5625·1.5; 4 fields → +1
  assert.equal(nistEntropy('ab cd ef gh'), 22.34375);
  // code points, not UTF-16 units
  assert.equal(nistEntropy('😀'), nistEntropy('x'));
});

test('B(s): NIST bonus bits', () => {
  assert.equal(nistBonusBits('Aa1!'), 6 - 2);
  assert.equal(nistBonusBits('Aa!'), 5 - 2);
  assert.equal(nistBonusBits('1!'), -2 - 2);
  assert.equal(nistBonusBits('123'), -6 - 2);
  assert.equal(nistBonusBits('abc'), 0 - 2);
  assert.equal(nistBonusBits('Aa1'), 0 - 2);
  // space present: +1 only with more than 3 whitespace-separated fields (Ruby split rules:
  // a leading empty field counts, trailing ones do not)
  assert.equal(nistBonusBits('a b c d'), 1);
  assert.equal(nistBonusBits(' a b c'), 1);
  assert.equal(nistBonusBits('a b c '), 0);
  assert.equal(nistBonusBits('a b'), 0);
  // Unicode classes (Ruby [[:upper:]] / [[:lower:]] / [[:digit:]])
  assert.equal(nistBonusBits('Éé1!'), 4);
  assert.equal(nistBonusBits('Éé٣'), 4); // ARABIC-INDIC DIGIT THREE is a digit and "other"
});

test('Q(p): qwerty runs are masked left to right, first alternative wins', () => {
  assert.equal(qwertyRuns().length, 1424);
  assert.equal(maskQwertyRuns('qwerty'), '*');
  assert.equal(maskQwertyRuns('abcdef'), '*');
  assert.equal(maskQwertyRuns('zxcvbnm,./'), '**');
  // "qaz" (a 3-run of "1qaz2wsx…") comes before "qazwsx" (a 6-run of a later string)
  assert.equal(maskQwertyRuns('qazwsx'), '**');
  // case-sensitive
  assert.equal(maskQwertyRuns('QWERTY'), 'QWERTY');
  assert.equal(maskQwertyRuns('Tecohvi0'), 'Tecohvi0');
});

test('Q(p) QUIRK: runs containing "-" only match with a backslash before the dash', () => {
  assert.equal(maskQwertyRuns('1234567890-'), '**-');
  assert.equal(maskQwertyRuns('7890\\-'), '*');
});

test('Q(p): early exit below the threshold', () => {
  assert.equal(qwertyEntropy('qwerty123'), 3.5);
  // with threshold 18 the unmasked minimum (17.5) is already below it
  assert.equal(qwertyEntropy('qwerty123', 18), 17.5);
  assert.equal(qwertyEntropy('qwerty123', 18), Math.min(nistEntropy('qwerty123'), nistEntropy('321ytrewq')));
});

test('D(p): variants (keyboard shifts, leet) with their reversals', () => {
  assert.deepEqual(passwordVariants('pass'), ['pass', 'pzxx', 'xxzp', 'lazz', 'zzal']);
  assert.deepEqual(passwordVariants('zz'), ['zz']); // bottom-row key: no shift variants
  assert.deepEqual(passwordVariants('p@ss1'), [
    'p@ss1',
    'p@xxq',
    'qxx@p',
    'l@zz1',
    '1zz@l',
    'passi',
    'issap',
    'passl',
    'lssap',
  ]);
  assert.deepEqual(passwordVariants('aaa'), ['aaa', 'zzz']); // duplicates removed
});

test('D(p): first dictionary word replaced by "*"', () => {
  assert.equal(dictionaryEntropy('password'), nistEntropy('*'));
  assert.equal(dictionaryEntropy('PASSWORD'), 2);
  // leet variant "p4ssw0rd" → "password"
  assert.equal(dictionaryEntropy('p4ssw0rd'), 2);
  assert.equal(commonPasswordMatcher().replaceFirst('xxmonkeyxx'), 'xx*xx');
});

test('dictionary: the 10,000-word common-password list', () => {
  const words = commonPasswords();
  assert.equal(words.length, 10_000);
  assert.equal(words[0], 'password');
  assert.equal(new Set(words).size, 10_000);
  assert.ok(words.every((w) => w === w.toLowerCase() && w.length >= 4));
  assert.equal(commonPasswordMatcher().size, 10_000);
});

test('WordMatcher: leftmost occurrence, longest word there, short words ignored', () => {
  const m = new WordMatcher(['pass', 'password', 'word', 'abc'], 4);
  assert.equal(m.size, 3);
  assert.deepEqual(m.findFirst('xpassword'), { index: 1, length: 8 });
  assert.deepEqual(m.findFirst('xwordpassword'), { index: 1, length: 4 });
  assert.equal(m.findFirst('abc'), null);
  assert.equal(m.replaceFirst('passpass'), '*pass');
  assert.equal(m.replaceFirst('nothing'), 'nothing');
  assert.deepEqual(parseWordList('a\r\nbb\r\n\r\nccc\n'), ['a', 'bb', 'ccc']);
});

test('character helpers work on code points', () => {
  assert.equal(reverseChars('ab😀'), '😀ba');
  assert.equal(downcase('ΣΑΣ'), 'σασ'); // no final-sigma rule, like Ruby
  assert.equal(downcase('PassWORD'), 'password');
  assert.equal([...truncateChars('😀'.repeat(1001))].length, 1000);
  assert.equal(truncateChars('abc', 2), 'ab');
});

test('only the first 1000 characters count', () => {
  const head = 'Zq9!x' + randomBytes(600).toString('hex').slice(0, 995);
  assert.equal([...head].length, 1000);
  assert.equal(passwordEntropy(head + 'password'), passwordEntropy(head));
  assert.equal(passwordEntropy(head + 'Qwerty!!'), passwordEntropy(head));
});

test('is fast enough for sign-up (well under 5 ms per password)', () => {
  passwordEntropy('warm-up 1A'); // loads the word list
  const passwords = Array.from({ length: 200 }, () => randomBytes(60).toString('base64').slice(0, 80));
  passwords.push('password'.repeat(125), '1q2w3e4r5t'.repeat(100));
  const t0 = performance.now();
  for (const p of passwords) passwordEntropy(p);
  const avg = (performance.now() - t0) / passwords.length;
  assert.ok(avg < 5, `average ${avg.toFixed(3)} ms`);
});
