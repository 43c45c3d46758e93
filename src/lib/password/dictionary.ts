/**
 * Common-password dictionary used by the entropy dictionary adjuster (§15.2 D(p)).
 *
 * The word list is not stored in this repository: it is the "10,000 top passwords" list
 * (Mark Burnett) shipped by the npm package `common-password` (ISC) as
 * `lib/10k most common.txt`, one word per line. That is the same 10,000-word list the
 * Ruby strong_password gem v0.0.9 embeds as COMMON_PASSWORDS, which Barong's reference
 * entropy values depend on.
 *
 * Matching semantics reproduce what Barong does with the list: words shorter than
 * MIN_WORD_LENGTH characters are ignored, and in a candidate string the leftmost position
 * at which any word occurs wins; at that position the longest word wins. Only that first
 * occurrence is replaced (by `*`). A trie walk gives this in O(length × longest word).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const MIN_WORD_LENGTH = 4;

export const DICTIONARY_PACKAGE = 'common-password';
const DICTIONARY_FILE = join('lib', '10k most common.txt');

/** Splits a whitespace-separated word list (the package file uses CRLF lines). */
export function parseWordList(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Absolute path of the word-list file inside node_modules. */
export function dictionaryFilePath(): string {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${DICTIONARY_PACKAGE}/package.json`);
  } catch (err) {
    throw new Error(
      `password dictionary: npm package "${DICTIONARY_PACKAGE}" is not installed ` +
        `(it provides the common-password list used by the entropy check)`,
      { cause: err },
    );
  }
  return join(dirname(pkgJson), DICTIONARY_FILE);
}

let cachedWords: readonly string[] | undefined;

/** The common-password list (10,000 words, list order), loaded once. */
export function commonPasswords(): readonly string[] {
  if (cachedWords === undefined) {
    const words = parseWordList(readFileSync(dictionaryFilePath(), 'utf8'));
    if (words.length < 9000) {
      throw new Error(`password dictionary: unexpected word list (${words.length} words)`);
    }
    cachedWords = Object.freeze(words);
  }
  return cachedWords;
}

interface TrieNode {
  /** children keyed by UTF-16 code unit */
  next: Map<number, TrieNode>;
  /** a word ends here */
  end: boolean;
}

export interface WordMatch {
  /** UTF-16 index of the match in the searched string */
  index: number;
  /** UTF-16 length of the matched word */
  length: number;
}

/** Finds dictionary words inside strings (leftmost occurrence, longest word there). */
export class WordMatcher {
  readonly #root: TrieNode = { next: new Map(), end: false };
  readonly size: number;

  constructor(words: Iterable<string>, minWordLength = MIN_WORD_LENGTH) {
    let size = 0;
    for (const word of words) {
      // length in characters (code points), like the Ruby original
      if (word.length === 0 || [...word].length < minWordLength) continue;
      let node = this.#root;
      for (let i = 0; i < word.length; i++) {
        const unit = word.charCodeAt(i);
        let child = node.next.get(unit);
        if (child === undefined) {
          child = { next: new Map(), end: false };
          node.next.set(unit, child);
        }
        node = child;
      }
      if (!node.end) size++;
      node.end = true;
    }
    this.size = size;
  }

  /** First (leftmost, then longest) dictionary word in `s`, or null. */
  findFirst(s: string): WordMatch | null {
    const root = this.#root;
    for (let start = 0; start < s.length; start++) {
      let node: TrieNode | undefined = root;
      let best = 0;
      for (let i = start; i < s.length; i++) {
        node = node.next.get(s.charCodeAt(i));
        if (node === undefined) break;
        if (node.end) best = i - start + 1;
      }
      if (best > 0) return { index: start, length: best };
    }
    return null;
  }

  /** `s` with its first dictionary word replaced by `replacement` (unchanged if none). */
  replaceFirst(s: string, replacement = '*'): string {
    const m = this.findFirst(s);
    if (m === null) return s;
    return s.slice(0, m.index) + replacement + s.slice(m.index + m.length);
  }
}

let cachedMatcher: WordMatcher | undefined;

/** Matcher over the common-password list (built lazily, once per process). */
export function commonPasswordMatcher(): WordMatcher {
  cachedMatcher ??= new WordMatcher(commonPasswords(), MIN_WORD_LENGTH);
  return cachedMatcher;
}
