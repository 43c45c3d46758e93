import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  DEFAULT_EVENT_TEMPLATES, escapeHtml, isBuiltinTemplate, renderBuiltin, withAntiPhishing,
  type BuiltinTemplateId, type RenderedMail,
} from './templates.js';

/** `{and|or|not: {dotted.path: value, …}}`; several operators in one object must all hold. */
export type MailExpression = Partial<Record<'and' | 'or' | 'not', Record<string, unknown>>>;

/** One language of an event: a built-in template, or a custom HTML (and optional text) template. */
export type TemplateSpec =
  | { kind: 'builtin'; id: BuiltinTemplateId; subject?: string }
  | { kind: 'custom'; subject: string; html: string; text?: string };

export interface MailMapEntry {
  /** Full event name, e.g. `system.session.create`. */
  event: string;
  /** language → template */
  templates: Record<string, TemplateSpec>;
  expression?: MailExpression;
}

export interface MailRenderContext {
  appUrl: string;
  appName: string;
  /** The recipient's language (`data.language`), if any. */
  language: string | null;
  /** DEFAULT_LANGUAGE */
  defaultLanguage: string;
  antiPhishing?: string | null;
  freezeLink?: string | null;
}

const baseLanguage = (l: string | null | undefined) => String(l ?? '').trim().toLowerCase().split(/[-_]/)[0];
const oneLine = (v: unknown) => String(v ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 512);

function lookup(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Barong-style filter on the event (`record.user.role: member`); values compare as strings. */
export function expressionMatches(expr: MailExpression | undefined, event: unknown): boolean {
  if (!expr) return true;
  const holds = ([p, v]: [string, unknown]) => String(lookup(event, p)) === String(v);
  if (expr.and && !Object.entries(expr.and).every(holds)) return false;
  if (expr.or && !Object.entries(expr.or).some(holds)) return false;
  if (expr.not && Object.entries(expr.not).some(holds)) return false;
  return true;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*(url))?\s*\}\}/g;

/** `{{ record.user.email }}`, `{{ record.token | url }}`; unknown names render empty. */
function fill(template: string, vars: Record<string, unknown>, escape: (s: string) => string): string {
  return template.replace(PLACEHOLDER, (_m, name: string, filter?: string) => {
    const v = lookup(vars, name);
    const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return filter === 'url' ? encodeURIComponent(s) : escape(s);
  });
}

/** A plain-text part from an HTML template when none is given. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n\n')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

/**
 * Which events are mailed, in which languages, with which template: Barong's `mailer.yml` for
 * the outbox-driven mailer. The language is the user's if the event has it, else DEFAULT_LANGUAGE,
 * else English; an event whose expression does not match is not mailed.
 */
export class MailMap {
  private readonly byEvent = new Map<string, MailMapEntry>();

  constructor(entries: readonly MailMapEntry[]) {
    for (const e of entries) this.byEvent.set(e.event, e);
  }

  static defaults(): MailMap {
    return new MailMap(Object.entries(DEFAULT_EVENT_TEMPLATES).map(([event, id]) => ({
      event, templates: { en: { kind: 'builtin', id }, ru: { kind: 'builtin', id } },
    })));
  }

  /** Events that get a mail (their outbox rows are inserted with mail_status 'pending'). */
  handles(name: string): boolean {
    return this.byEvent.has(name);
  }

  get events(): string[] {
    return [...this.byEvent.keys()];
  }

  /** The mail for an event, or null when the map says not to send one. May throw MailRenderError. */
  render(name: string, payload: unknown, ctx: MailRenderContext): RenderedMail | null {
    const entry = this.byEvent.get(name);
    if (!entry || !expressionMatches(entry.expression, payload)) return null;
    const language = [baseLanguage(ctx.language), baseLanguage(ctx.defaultLanguage), 'en'].find((l) => l && entry.templates[l]);
    if (!language) return null;
    const spec = entry.templates[language];
    if (spec.kind === 'builtin') {
      const mail = renderBuiltin(spec.id, name, payload, { appUrl: ctx.appUrl, appName: ctx.appName, language, antiPhishing: ctx.antiPhishing, freezeLink: ctx.freezeLink });
      return spec.subject ? { ...mail, subject: oneLine(spec.subject) } : mail;
    }
    const p = (payload ?? {}) as Record<string, unknown>;
    const vars = {
      record: p.record, changes: p.changes, name, user: lookup(p, 'record.user'), language,
      app_name: ctx.appName, app_url: ctx.appUrl.replace(/\/+$/, ''), freeze_link: ctx.freezeLink ?? '', anti_phishing: ctx.antiPhishing ?? '',
    };
    const raw = (s: string) => s;
    const mail = {
      subject: oneLine(fill(spec.subject, vars, raw)),
      html: fill(spec.html, vars, escapeHtml),
      text: spec.text !== undefined ? fill(spec.text, vars, raw) : htmlToText(fill(spec.html, vars, escapeHtml)),
    };
    // A template that places the phrase itself gets no banner on top.
    const placed = /\{\{\s*anti_phishing\s*\}\}/.test(spec.html);
    return placed ? mail : withAntiPhishing(mail, ctx.antiPhishing, language);
  }
}

interface FileEntry {
  name?: string; event?: string; key?: string; exchange?: string;
  templates?: Record<string, { subject?: string; template?: string; template_path?: string; text_path?: string }>;
  expression?: MailExpression;
}

/**
 * Reads a mail map (YAML or JSON) shaped like Barong's mailer.yml:
 *
 *   exchanges: { barong_system: { name: barong.events.system } }   # optional aliases
 *   events:
 *     - name: New Login
 *       key: session.create            # routing key…
 *       exchange: barong_system        # …and exchange (alias, exchange name or first segment)
 *       # or: event: system.session.create
 *       expression: { and: { record.user.role: member } }
 *       templates:
 *         en: { subject: New login, template_path: session_create.en.html }  # custom ({{ … }})
 *         ru: { template: session_create }                                    # built-in
 *
 * Paths are relative to the file. It replaces the default map. Mistakes stop the boot.
 */
export function loadMailMap(file: string): MailMap {
  const where = (i: number) => `${file}: events[${i}]`;
  let doc: { exchanges?: Record<string, { name?: string }>; events?: FileEntry[] };
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new Error(`${file}: cannot read the mail map (${(err as Error).message})`);
  }
  if (!Array.isArray(doc.events)) throw new Error(`${file}: needs an "events" list`);
  const dir = path.dirname(file);
  const entries = doc.events.map((e, i): MailMapEntry => {
    let event = e.event;
    if (!event) {
      if (!e.key || !e.exchange) throw new Error(`${where(i)}: give "event", or "key" and "exchange"`);
      const exchange = doc.exchanges?.[e.exchange]?.name ?? e.exchange;
      event = `${exchange.split('.').pop()}.${e.key}`;
    }
    if (!e.templates || typeof e.templates !== 'object' || Object.keys(e.templates).length === 0) throw new Error(`${where(i)} (${event}): no templates`);
    const templates: Record<string, TemplateSpec> = {};
    for (const [lang, t] of Object.entries(e.templates)) {
      const at = `${where(i)} (${event}) templates.${lang}`;
      if (t.template !== undefined) {
        if (!isBuiltinTemplate(t.template)) throw new Error(`${at}: unknown built-in template "${t.template}"`);
        templates[baseLanguage(lang)] = { kind: 'builtin', id: t.template, subject: t.subject };
        continue;
      }
      if (!t.template_path || !t.subject) throw new Error(`${at}: needs "subject" and "template_path" (or "template")`);
      const read = (p: string) => {
        try { return fs.readFileSync(path.resolve(dir, p), 'utf8'); } catch (err) { throw new Error(`${at}: cannot read ${p} (${(err as Error).message})`); }
      };
      templates[baseLanguage(lang)] = { kind: 'custom', subject: t.subject, html: read(t.template_path), text: t.text_path ? read(t.text_path) : undefined };
    }
    return { event, templates, expression: e.expression };
  });
  return new MailMap(entries);
}
