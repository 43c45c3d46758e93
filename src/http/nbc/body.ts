import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { Static, TObject } from '@sinclair/typebox';
import { NbcInputError, type NbcProblem } from './errors.js';

const CODES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.StringMinLength]: 'too_short',
  [ValueErrorType.StringMaxLength]: 'too_long',
  [ValueErrorType.StringPattern]: 'invalid_format',
  [ValueErrorType.StringFormat]: 'invalid_format',
  [ValueErrorType.Union]: 'invalid_value',
  [ValueErrorType.Literal]: 'invalid_value',
};

/**
 * The request body checked against the route's TypeBox schema (the same one its OpenAPI entry
 * shows): one problem per field, the first one found; extra fields are ignored. A body that is
 * not an object at all is one `invalid_body` problem.
 */
export function parseBody<S extends TObject>(schema: S, body: unknown): Static<S> {
  const value = body === undefined || body === null || body === '' ? {} : body;
  if (typeof value !== 'object' || Array.isArray(value)) throw new NbcInputError([{ code: 'invalid_body', field: null }]);
  if (Value.Check(schema, value)) return value as Static<S>;
  const problems: NbcProblem[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    const field = e.path.replace(/^\//, '').split('/')[0] || null;
    if (seen.has(field ?? '')) continue;
    seen.add(field ?? '');
    problems.push({ code: CODES[e.type] ?? 'invalid_type', field });
  }
  throw new NbcInputError(problems);
}
