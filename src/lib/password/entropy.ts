/**
 * Password entropy as Barong computes it (design §15.2): the NIST-style estimate of the
 * strong_password gem v0.0.9 with use_dictionary on and min_word_length 4.
 *
 *   entropy(p) = min( E(p), E(lower(p)), Q(p), D(p) )   (p truncated to 1000 characters)
 *
 * Strings are handled per Unicode code point ("character"), as Ruby does.
 */
import { commonPasswordMatcher } from './dictionary.js';

/** Only this many characters of a password are examined. */
export const ENTROPY_INPUT_LIMIT = 1000;

/** Barong's default BARONG_PASSWORD_MIN_ENTROPY; also the qwerty early-exit threshold. */
export const DEFAULT_MIN_ENTROPY = 14;

// ---------------------------------------------------------------------------------------
// character helpers

/** First `limit` code points of `s`. */
export function truncateChars(s: string, limit = ENTROPY_INPUT_LIMIT): string {
  if (s.length <= limit) return s; // UTF-16 length ≥ code point count
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n++ === limit) break;
    out += ch;
  }
  return out;
}

/** Code-point reversal (Ruby String#reverse). */
export function reverseChars(s: string): string {
  return Array.from(s).reverse().join('');
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Unicode lower-casing without context-sensitive rules (Ruby String#downcase maps Σ to σ
 * everywhere; JS toLowerCase() would give ς at the end of a word).
 */
export function downcase(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += ch.toLowerCase();
  return out;
}

// ---------------------------------------------------------------------------------------
// E(s): NIST entropy with repeated characters weakened

const REPEAT_WEAKENING = 0.75;

// Ruby POSIX brackets on Unicode strings: [[:upper:]] = Uppercase, [[:lower:]] = Lowercase,
// [[:digit:]] = Decimal_Number.
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const DIGIT = /\p{Nd}/u;
const OTHER = /[^a-zA-Z0-9 ]/;
// Ruby's \s is ASCII-only
const RUBY_WHITESPACE_RUN = /[ \t\n\v\f\r]+/;

/** NIST bonus bits B(s). */
export function nistBonusBits(s: string): number {
  const upper = UPPER.test(s);
  const lower = LOWER.test(s);
  const digit = DIGIT.test(s);
  const other = OTHER.test(s);

  let bonus: number;
  if (upper && lower && other && digit) bonus = 6;
  else if (upper && lower && other && !digit) bonus = 5;
  else if (digit && other && !upper && !lower) bonus = -2;
  else if (digit && !other && !upper && !lower) bonus = -6;
  else bonus = 0;

  if (!s.includes(' ')) {
    bonus -= 2;
  } else if (rubySplitCount(s) > 3) {
    bonus += 1;
  }
  return bonus;
}

/** Number of fields of Ruby's `s.split(/\s+/)` (leading empty field kept, trailing dropped). */
function rubySplitCount(s: string): number {
  const parts = s.split(RUBY_WHITESPACE_RUN);
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return n;
}

/** E(s): per-position bits with repeats weakened, plus the bonus bits. */
export function nistEntropy(s: string): number {
  const weights = new Map<number, number>();
  let bits = 0;
  let i = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const w = weights.get(cp) ?? 1;
    weights.set(cp, w * REPEAT_WEAKENING);
    if (i === 0) bits += 4;
    else if (i <= 7) bits += w * 2;
    else if (i <= 19) bits += w * 1.5;
    else bits += w;
    i++;
  }
  return bits + nistBonusBits(s);
}

// ---------------------------------------------------------------------------------------
// Q(p): keyboard / alphabet runs

export const QWERTY_STRINGS: readonly string[] = Object.freeze([
  '1234567890-',
  'qwertyuiop',
  'asdfghjkl;',
  'zxcvbnm,./',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-[\'=]:?_{"+}',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmik,ol.p;/-[\'=]:?_{"+}',
  'qazwsxedcrfvtgbyhnujmikolp',
  ']"/=[;.-pl,0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1',
  'pl0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1',
  ']"/[;.pl,okmijnuhbygvtfcrdxeszwaq',
  'plokmijnuhbygvtfcrdxeszwaq',
  '014725836914702583697894561230258/369*+-*/',
  'abcdefghijklmnopqrstuvwxyz',
]);

/**
 * All qwerty runs in match-priority order: per string, every substring of length 6, then 5,
 * 4, 3, left to right. QUIRK (kept from the original): the first `-` of a run becomes the two
 * characters `\-`, so runs containing `-` only match text that has a backslash there.
 */
export function qwertyRuns(): string[] {
  const runs: string[] = [];
  for (const str of QWERTY_STRINGS) {
    for (let len = 6; len >= 3; len--) {
      for (let x = 0; x + len <= str.length; x++) {
        runs.push(str.slice(x, x + len).replace('-', '\\-'));
      }
    }
  }
  return runs;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

let qwertyPattern: RegExp | undefined;

/**
 * Replaces every non-overlapping qwerty run by `*`, scanning left to right; at each position
 * the first run in priority order that matches wins (ordered alternation, not longest match).
 */
export function maskQwertyRuns(s: string): string {
  qwertyPattern ??= new RegExp(qwertyRuns().map(escapeRegExp).join('|'), 'g');
  return s.replace(qwertyPattern, '*');
}

/** Q(p): case-sensitive; stops early once below `threshold` (Barong's min entropy). */
export function qwertyEntropy(p: string, threshold = DEFAULT_MIN_ENTROPY): number {
  const r = reverseChars(p);
  let m = Math.min(nistEntropy(p), nistEntropy(r));
  if (m < threshold) return m;

  const qp = maskQwertyRuns(p);
  if (qp !== p) m = Math.min(m, nistEntropy(qp));
  if (m < threshold) return m;

  const qr = maskQwertyRuns(r);
  if (qr !== r) m = Math.min(m, nistEntropy(qr));
  return m;
}

// ---------------------------------------------------------------------------------------
// D(p): dictionary words, also after keyboard-shift and leet-speak translation

type CharMap = Readonly<Record<string, string>>;

const BOTTOM_ROW = /[zxcvbnm,./<>?]/;
const LEET_CHARS = /[@!$0-9]/;

/** each key typed one row down and to the right */
export const KEYBOARD_DOWN_RIGHT: CharMap = Object.freeze({
  a: 'z', q: 'a', '1': 'q', s: 'x', w: 's', '2': 'w', d: 'c', e: 'd', '3': 'e', f: 'v',
  r: 'f', '4': 'r', g: 'b', t: 'g', '5': 't', h: 'n', y: 'h', '6': 'y', j: 'm', u: 'j',
  '7': 'u', i: 'k', '8': 'i', o: 'l', '9': 'o', '0': 'p',
});

/** each key typed one row down and to the left */
export const KEYBOARD_DOWN_LEFT: CharMap = Object.freeze({
  '2': 'q', w: 'a', '3': 'w', s: 'z', e: 's', '4': 'e', d: 'x', r: 'd', '5': 'r', f: 'c',
  t: 'f', '6': 't', g: 'v', y: 'g', '7': 'y', h: 'b', u: 'h', '8': 'u', j: 'n', i: 'j',
  '9': 'i', k: 'm', o: 'k', '0': 'o', p: 'l', '-': 'p',
});

export const LEET: CharMap = Object.freeze({
  '@': 'a', '!': 'i', $: 's', '1': 'i', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g',
  '7': 't', '8': 'b', '9': 'g', '0': 'o',
});

export const LEET_ALT: CharMap = Object.freeze({ ...LEET, '1': 'l' });

function translate(s: string, map: CharMap): string {
  let out = '';
  for (const ch of s) out += Object.hasOwn(map, ch) ? map[ch] : ch;
  return out;
}

/**
 * Variants of an already lower-cased password: itself; the two keyboard-shift translations
 * and their reversals (only when it has no bottom-row key); the two leet translations and
 * their reversals (only when it has a leet character). Duplicates removed.
 */
export function passwordVariants(lower: string): string[] {
  const out = [lower];
  if (!BOTTOM_ROW.test(lower)) {
    for (const map of [KEYBOARD_DOWN_RIGHT, KEYBOARD_DOWN_LEFT]) {
      const v = translate(lower, map);
      out.push(v, reverseChars(v));
    }
  }
  if (LEET_CHARS.test(lower)) {
    for (const map of [LEET, LEET_ALT]) {
      const v = translate(lower, map);
      out.push(v, reverseChars(v));
    }
  }
  return [...new Set(out)];
}

/** D(p): min over the variants of E(variant with its first dictionary word masked). */
export function dictionaryEntropy(p: string): number {
  const matcher = commonPasswordMatcher();
  const lower = downcase(p);
  let m = nistEntropy(lower);
  for (const v of passwordVariants(lower)) {
    m = Math.min(m, nistEntropy(matcher.replaceFirst(v, '*')));
  }
  return m;
}

// ---------------------------------------------------------------------------------------

/**
 * Barong's password entropy (the `entropy` of /password/validate, compared with
 * BARONG_PASSWORD_MIN_ENTROPY). `minEntropy` only sets the qwerty early-exit threshold, as
 * in Barong, where the checker is built with the configured minimum.
 */
export function passwordEntropy(p: string, minEntropy = DEFAULT_MIN_ENTROPY): number {
  const s = truncateChars(p, ENTROPY_INPUT_LIMIT);
  return Math.min(
    nistEntropy(s),
    nistEntropy(downcase(s)),
    qwertyEntropy(s, minEntropy),
    dictionaryEntropy(s),
  );
}
