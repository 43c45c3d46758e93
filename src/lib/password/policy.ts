/**
 * Password policy (design §15.1): the password must match BARONG_PASSWORD_REGEXP
 * (→ `password.requirements`), then its entropy must reach BARONG_PASSWORD_MIN_ENTROPY
 * (→ `password.weak`). Only the first failing rule is reported.
 *
 * Operators write the regexp in Ruby syntax, so `rubyRegexpToJs` translates a Ruby (Onigmo)
 * source to an equivalent JS RegExp, keeping Ruby's matching rules:
 *  - `^` / `$` are LINE anchors in Ruby (`$` also matches before any "\n"); `\A`, `\z`, `\Z`
 *    anchor the whole string. So, as in Barong, a multi-line password passes when one of
 *    its lines matches the default regexp.
 *  - `.` matches any character but "\n" (JS's `.` would also refuse "\r", U+2028, U+2029).
 *  - `\s` and `\h` are ASCII-only; `\d`, `\w`, `\b` are ASCII-only in both languages.
 *  - POSIX brackets follow Onigmo's Unicode definitions: [[:lower:]] = \p{Lowercase},
 *    [[:upper:]] = \p{Uppercase}, [[:digit:]] = \p{Nd}, [[:alpha:]] = \p{Alphabetic},
 *    [[:alnum:]] = alpha + digit, [[:space:]] = \p{White_Space}, [[:punct:]] = \p{P} plus
 *    $+<=>^`|~, [[:graph:]] = anything but White_Space, Cc, Cs and Cn (any visible char).
 * Constructs JS cannot express (atomic groups, possessive quantifiers, case-insensitive or
 * extended inline flags, class intersection, nested classes, subexpression calls, …) are
 * rejected with an Error so that a bad configuration fails at boot.
 */
import { DEFAULT_MIN_ENTROPY, passwordEntropy } from './entropy.js';

/** Barong's default BARONG_PASSWORD_REGEXP, Ruby source. */
export const DEFAULT_PASSWORD_REGEXP_SOURCE =
  '^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$';

/** Ruby `Regexp#to_s` of a source compiled without options, as the configs endpoint shows it. */
export function rubyRegexpToS(source: string): string {
  return `(?-mix:${source})`;
}

/** The default regexp as reported by GET /identity/configs (`password_regexp`). */
export const DEFAULT_PASSWORD_REGEXP_RUBY_FORM =
  '(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)';

export const DEFAULT_PASSWORD_MIN_ENTROPY = DEFAULT_MIN_ENTROPY;

export type PasswordPolicyError = 'password.requirements' | 'password.weak';

export interface PasswordPolicy {
  /** JS translation of BARONG_PASSWORD_REGEXP (see rubyRegexpToJs) */
  regexp: RegExp;
  /** BARONG_PASSWORD_MIN_ENTROPY */
  minEntropy: number;
}

/** Checks a password being set; null when it is acceptable. */
export function checkPassword(
  password: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): PasswordPolicyError | null {
  if (!regexpMatches(policy.regexp, password)) return 'password.requirements';
  if (passwordEntropy(password, policy.minEntropy) < policy.minEntropy) return 'password.weak';
  return null;
}

function regexpMatches(re: RegExp, s: string): boolean {
  if (re.global || re.sticky) {
    // never depend on (or disturb) lastIndex state
    return new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(s);
  }
  return re.test(s);
}

// =======================================================================================
// Ruby (Onigmo) regexp source → JS RegExp ('u' flag)

/** Part of a character class: content usable inside `[...]`, or a complete JS pattern. */
type ClassPart =
  | { kind: 'set'; js: string } // e.g. "a-z", "\\p{Nd}"
  | { kind: 'notSet'; js: string } // the complement of a set: matches [^js]
  | { kind: 'alt'; js: string }; // any single-character JS pattern

const GRAPH_COMPLEMENT = '\\p{White_Space}\\p{Cc}\\p{Cs}\\p{Cn}';
const PUNCT = '\\p{P}\\$\\+<=>\\^`\\|~';
const RUBY_SPACE = '\\t\\n\\v\\f\\r ';
const HEX = '0-9A-Fa-f';

function setPart(js: string): ClassPart {
  return { kind: 'set', js };
}
function notSetPart(js: string): ClassPart {
  return { kind: 'notSet', js };
}

/** POSIX bracket name → [positive, negated] class parts. */
const POSIX_CLASSES: Readonly<Record<string, readonly [ClassPart, ClassPart]>> = {
  alpha: [setPart('\\p{Alphabetic}'), setPart('\\P{Alphabetic}')],
  lower: [setPart('\\p{Lowercase}'), setPart('\\P{Lowercase}')],
  upper: [setPart('\\p{Uppercase}'), setPart('\\P{Uppercase}')],
  digit: [setPart('\\p{Nd}'), setPart('\\P{Nd}')],
  alnum: [setPart('\\p{Alphabetic}\\p{Nd}'), notSetPart('\\p{Alphabetic}\\p{Nd}')],
  punct: [setPart(PUNCT), notSetPart(PUNCT)],
  space: [setPart('\\p{White_Space}'), setPart('\\P{White_Space}')],
  graph: [notSetPart(GRAPH_COMPLEMENT), setPart(GRAPH_COMPLEMENT)],
  print: [
    { kind: 'alt', js: `\\p{Zs}|[^${GRAPH_COMPLEMENT}]` },
    { kind: 'alt', js: `(?!\\p{Zs})[${GRAPH_COMPLEMENT}]` },
  ],
  blank: [setPart('\\p{Zs}\\t'), notSetPart('\\p{Zs}\\t')],
  cntrl: [setPart('\\p{Cc}'), setPart('\\P{Cc}')],
  xdigit: [setPart(HEX), notSetPart(HEX)],
  word: [
    setPart('\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}'),
    notSetPart('\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}'),
  ],
  ascii: [setPart('\\x00-\\x7F'), notSetPart('\\x00-\\x7F')],
};

/** Builds one JS single-character pattern from class parts. */
function buildClass(parts: ClassPart[], negated: boolean): string {
  const sets = parts.filter((p) => p.kind === 'set').map((p) => p.js).join('');
  const others = parts.filter((p) => p.kind !== 'set');
  if (others.length === 0) return negated ? `[^${sets}]` : `[${sets}]`;
  if (negated && sets === '' && others.length === 1 && others[0].kind === 'notSet') {
    return `[${others[0].js}]`;
  }
  const alts: string[] = sets === '' ? [] : [`[${sets}]`];
  for (const p of others) alts.push(p.kind === 'notSet' ? `[^${p.js}]` : `(?:${p.js})`);
  const union = alts.length === 1 ? alts[0] : `(?:${alts.join('|')})`;
  return negated ? `(?:(?!${alts.join('|')})[^])` : union;
}

const JS_SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');
const CLASS_SPECIAL_CHARS = new Set('\\]-^[');

function literalOutside(ch: string): string {
  return JS_SYNTAX_CHARS.has(ch) ? `\\${ch}` : ch;
}
function literalInClass(ch: string): string {
  return CLASS_SPECIAL_CHARS.has(ch) ? `\\${ch}` : ch;
}
function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}
/** Printable ASCII as itself (escaped where needed), anything else as \u{…}. */
function renderChar(cp: number, literal: (ch: string) => string): string {
  return cp >= 0x20 && cp < 0x7f ? literal(String.fromCodePoint(cp)) : codePointEscape(cp);
}

function normalisePropertyName(name: string): string {
  return name.replace(/[\s_-]/g, '').toLowerCase();
}

function jsAcceptsProperty(body: string): boolean {
  try {
    new RegExp(`\\p{${body}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

class RubyRegexpTranslator {
  readonly #chars: string[];
  #pos = 0;
  /** dot-matches-newline (Ruby's `m` option) per open group */
  #dotAll: boolean[] = [false];

  constructor(readonly source: string) {
    this.#chars = Array.from(source);
  }

  translate(): string {
    let out = '';
    while (this.#pos < this.#chars.length) out += this.#term();
    if (this.#dotAll.length !== 1) this.#fail('missing )');
    return out;
  }

  #fail(msg: string): never {
    throw new Error(`unsupported password regexp ${JSON.stringify(this.source)}: ${msg}`);
  }

  #peek(offset = 0): string | undefined {
    return this.#chars[this.#pos + offset];
  }

  #startsWith(s: string): boolean {
    const want = Array.from(s);
    return want.every((c, i) => this.#chars[this.#pos + i] === c);
  }

  #readUntil(end: string): string {
    let s = '';
    while (this.#pos < this.#chars.length && this.#chars[this.#pos] !== end) {
      s += this.#chars[this.#pos++];
    }
    if (this.#chars[this.#pos] !== end) this.#fail(`missing ${end}`);
    this.#pos++;
    return s;
  }

  #term(): string {
    const ch = this.#chars[this.#pos++];
    switch (ch) {
      case '\\':
        return this.#escapeOutside();
      case '.':
        return this.#dotAll[this.#dotAll.length - 1] ? '[^]' : '[^\\n]';
      case '^':
        return '(?<![^\\n])';
      case '$':
        return '(?![^\\n])';
      case '[':
        return this.#charClass();
      case '(':
        return this.#groupOpen();
      case ')':
        if (this.#dotAll.length === 1) this.#fail('unmatched )');
        this.#dotAll.pop();
        return ')';
      case '*':
      case '+':
      case '?':
        return ch + this.#quantifierSuffix();
      case '{':
        return this.#interval();
      case '|':
        return '|';
      default:
        return literalOutside(ch);
    }
  }

  /** After `*`, `+`, `?` or an interval: lazy `?` passes, possessive `+` is unsupported. */
  #quantifierSuffix(): string {
    if (this.#peek() === '?') {
      this.#pos++;
      return '?';
    }
    if (this.#peek() === '+') this.#fail('possessive quantifiers');
    return '';
  }

  #interval(): string {
    const rest = this.#chars.slice(this.#pos, this.#pos + 24).join('');
    const m = /^(\d*)(?:(,)(\d*))?\}/.exec(rest);
    if (m === null || (m[1] === '' && (m[2] === undefined || m[3] === ''))) {
      return '\\{'; // not an interval: Ruby takes `{` literally
    }
    this.#pos += Array.from(m[0]).length;
    const min = m[1] === '' ? '0' : m[1];
    const body = m[2] === undefined ? min : `${min},${m[3]}`;
    let out = `{${body}}`;
    if (this.#peek() === '?') {
      this.#pos++;
      out += '?';
    } else if (this.#peek() === '+') {
      this.#fail('quantifier after interval');
    }
    return out;
  }

  #groupOpen(): string {
    const current = this.#dotAll[this.#dotAll.length - 1];
    if (this.#peek() !== '?') {
      this.#dotAll.push(current);
      return '(';
    }
    this.#pos++;
    const c = this.#peek();
    if (c === '#') {
      this.#readUntil(')');
      return '';
    }
    if (c === ':' || c === '=' || c === '!') {
      this.#pos++;
      this.#dotAll.push(current);
      return `(?${c}`;
    }
    if (this.#startsWith('<=') || this.#startsWith('<!')) {
      const kind = this.#chars[this.#pos + 1];
      this.#pos += 2;
      this.#dotAll.push(current);
      return `(?<${kind}`;
    }
    if (c === '<' || c === "'") {
      this.#pos++;
      const name = this.#readUntil(c === '<' ? '>' : "'");
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.#fail(`group name ${name}`);
      this.#dotAll.push(current);
      return `(?<${name}>`;
    }
    // option groups: (?imx-imx) and (?imx-imx:subexp)
    let on = '';
    let off = '';
    let negate = false;
    while (this.#peek() !== undefined && /[a-z-]/.test(this.#peek()!)) {
      const f = this.#chars[this.#pos++];
      if (f === '-') {
        if (negate) this.#fail('bad options group');
        negate = true;
      } else if ('imx'.includes(f)) {
        if (negate) off += f;
        else on += f;
      } else {
        this.#fail(`option ${f}`);
      }
    }
    const end = this.#chars[this.#pos++];
    if (end !== ':' && end !== ')') this.#fail(`group syntax (?${on}${negate ? '-' : ''}${off}${end ?? ''}`);
    if (on.includes('i') || on.includes('x')) this.#fail('case-insensitive / extended options');
    const dotAll = on.includes('m') ? true : off.includes('m') ? false : current;
    if (end === ')') {
      // applies to the rest of the enclosing group
      this.#dotAll[this.#dotAll.length - 1] = dotAll;
      return '';
    }
    this.#dotAll.push(dotAll);
    return '(?:';
  }

  /** Escape outside a class; `\` already consumed. */
  #escapeOutside(): string {
    const c = this.#chars[this.#pos++];
    if (c === undefined) this.#fail('trailing backslash');
    switch (c) {
      case 'A':
        return '^';
      case 'z':
        return '$';
      case 'Z':
        return '(?=\\n?$)';
      case 'b':
      case 'B':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 's':
        return `[${RUBY_SPACE}]`;
      case 'S':
        return `[^${RUBY_SPACE}]`;
      case 'h':
        return `[${HEX}]`;
      case 'H':
        return `[^${HEX}]`;
      case 'p':
      case 'P':
        return buildClass([this.#property(c === 'P')], false);
      case 'k': {
        const open = this.#chars[this.#pos++];
        if (open !== '<' && open !== "'") this.#fail('\\k without a group name');
        const name = this.#readUntil(open === '<' ? '>' : "'");
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.#fail(`back reference \\k${open}${name}`);
        return `\\k<${name}>`;
      }
      default:
        break;
    }
    if (/[1-9]/.test(c)) {
      let digits = c;
      while (this.#peek() !== undefined && /[0-9]/.test(this.#peek()!)) digits += this.#chars[this.#pos++];
      return `\\${digits}`;
    }
    return renderChar(this.#singleCharEscape(c), literalOutside);
  }

  /**
   * Escapes that denote one character (`\n`, `\x41`, `\u00e9`, `\e`, `\.` …); `c` is the
   * character after the backslash (consumed). Returns the code point.
   */
  #singleCharEscape(c: string): number {
    switch (c) {
      case 'n':
        return 0x0a;
      case 't':
        return 0x09;
      case 'r':
        return 0x0d;
      case 'f':
        return 0x0c;
      case 'v':
        return 0x0b;
      case 'a':
        return 0x07;
      case 'e':
        return 0x1b;
      case 'x': {
        let hex = '';
        while (hex.length < 2 && this.#peek() !== undefined && /[0-9a-fA-F]/.test(this.#peek()!)) {
          hex += this.#chars[this.#pos++];
        }
        if (hex === '') this.#fail('\\x without hex digits');
        return parseInt(hex, 16);
      }
      case 'u': {
        if (this.#peek() === '{') {
          this.#pos++;
          const hex = this.#readUntil('}').trim();
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) this.#fail(`\\u{${hex}}`);
          return parseInt(hex, 16);
        }
        const hex = this.#chars.slice(this.#pos, this.#pos + 4).join('');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#fail('\\u needs 4 hex digits');
        this.#pos += 4;
        return parseInt(hex, 16);
      }
      case '0': {
        let oct = '';
        while (oct.length < 2 && this.#peek() !== undefined && /[0-7]/.test(this.#peek()!)) {
          oct += this.#chars[this.#pos++];
        }
        return oct === '' ? 0 : parseInt(oct, 8);
      }
      default:
        if (/[A-Za-z0-9]/.test(c)) this.#fail(`escape \\${c}`);
        return c.codePointAt(0)!; // escaped punctuation, space, or any other literal
    }
  }

  /** `\p{Name}`, `\p{^Name}`, `\P{Name}`; the `p`/`P` is consumed. */
  #property(upperP: boolean): ClassPart {
    if (this.#chars[this.#pos++] !== '{') this.#fail('\\p without {');
    let body = this.#readUntil('}');
    let negated = upperP;
    if (body.startsWith('^')) {
      negated = !negated;
      body = body.slice(1);
    }
    const posix = POSIX_CLASSES[normalisePropertyName(body)];
    if (posix !== undefined) return posix[negated ? 1 : 0];
    const p = negated ? 'P' : 'p';
    if (jsAcceptsProperty(body)) return setPart(`\\${p}{${body}}`);
    if (jsAcceptsProperty(`Script=${body}`)) return setPart(`\\${p}{Script=${body}}`);
    return this.#fail(`property ${body}`);
  }

  /** Character class; the `[` is consumed. */
  #charClass(): string {
    const parts: ClassPart[] = [];
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#pos++;
    }
    let first = true;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) this.#fail('missing ]');
      if (c === ']' && !first) {
        this.#pos++;
        break;
      }
      first = false;
      if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.#chars.slice(this.#pos, this.#pos + 12).join(''));
        if (posix === null || POSIX_CLASSES[posix[2]] === undefined) this.#fail('nested character classes');
        this.#pos += posix[0].length;
        parts.push(POSIX_CLASSES[posix[2]][posix[1] === '^' ? 1 : 0]);
        continue;
      }
      if (c === '&' && this.#peek(1) === '&') this.#fail('class intersection (&&)');
      const atom = this.#classAtom();
      if (atom.kind !== 'char') {
        parts.push(atom.part);
        continue;
      }
      // range a-b
      if (this.#peek() === '-' && this.#peek(1) !== undefined && this.#peek(1) !== ']') {
        this.#pos++;
        const hi = this.#classAtom();
        if (hi.kind !== 'char') this.#fail('range with a class escape');
        if (hi.cp < atom.cp) this.#fail('empty range in character class');
        parts.push(setPart(`${renderChar(atom.cp, literalInClass)}-${renderChar(hi.cp, literalInClass)}`));
        continue;
      }
      parts.push(setPart(renderChar(atom.cp, literalInClass)));
    }
    if (parts.length === 0) this.#fail('empty character class');
    return buildClass(parts, negated);
  }

  #classAtom(): { kind: 'char'; cp: number } | { kind: 'part'; part: ClassPart } {
    const c = this.#chars[this.#pos++];
    if (c !== '\\') return { kind: 'char', cp: c.codePointAt(0)! };
    const e = this.#chars[this.#pos++];
    if (e === undefined) this.#fail('trailing backslash');
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return { kind: 'part', part: setPart(`\\${e}`) };
      case 's':
        return { kind: 'part', part: setPart(RUBY_SPACE) };
      case 'S':
        return { kind: 'part', part: notSetPart(RUBY_SPACE) };
      case 'h':
        return { kind: 'part', part: setPart(HEX) };
      case 'H':
        return { kind: 'part', part: notSetPart(HEX) };
      case 'p':
      case 'P':
        return { kind: 'part', part: this.#property(e === 'P') };
      case 'b':
        return { kind: 'char', cp: 0x08 }; // backspace inside a class
      default:
        return { kind: 'char', cp: this.#singleCharEscape(e) };
    }
  }
}

/**
 * Translates an operator-supplied Ruby regexp source (e.g. BARONG_PASSWORD_REGEXP) into a JS
 * RegExp with the same matching behaviour (see the module comment). Throws on syntax JS
 * cannot reproduce. A source in `Regexp#to_s` form, `(?-mix:...)`, is accepted as well.
 */
export function rubyRegexpToJs(source: string): RegExp {
  const js = new RubyRegexpTranslator(source).translate();
  try {
    return new RegExp(js, 'u');
  } catch (err) {
    throw new Error(`invalid password regexp ${JSON.stringify(source)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The default BARONG_PASSWORD_REGEXP, translated. */
export const DEFAULT_PASSWORD_REGEXP: RegExp = rubyRegexpToJs(DEFAULT_PASSWORD_REGEXP_SOURCE);

export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  regexp: DEFAULT_PASSWORD_REGEXP,
  minEntropy: DEFAULT_PASSWORD_MIN_ENTROPY,
});
