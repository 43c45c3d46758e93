import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { ValidationError } from '../../../errors/app-error.js';
import { ManagementError } from '../../../domain/management/errors.js';
import { isBlank, parseParams } from '../params.js';

/**
 * Management parameter rules (BARONG.md §9.1): Barong's checks (params.ts) with Grape's English
 * sentences (`email is missing`, `email is empty`, `extended is invalid`) joined by ", ", 422.
 */
export function mparams<T extends TObject>(schema: T, data: Record<string, unknown>): Static<T> {
  const props: Record<string, TSchema> = {};
  for (const [name, prop] of Object.entries(schema.properties) as [string, TSchema][]) {
    props[name] = { ...prop, 'x-missing': `${name} is missing`, 'x-empty': `${name} is empty`, 'x-invalid': prop['x-invalid'] ?? `${name} is invalid` };
  }
  try {
    return parseParams({ ...schema, properties: props } as T, data, 'management');
  } catch (e) {
    if (e instanceof ValidationError) throw new ManagementError(422, e.keys.join(', '));
    throw e;
  }
}

const given = (data: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(data, k) && data[k] !== undefined;

/** Grape's `exactly_one_of`: `a, b are mutually exclusive` / `a, b are missing, exactly one parameter must be provided`. */
export function exactlyOne(data: Record<string, unknown>, names: readonly string[]): void {
  const present = names.filter((n) => given(data, n));
  if (present.length > 1) throw new ManagementError(422, `${present.join(', ')} are mutually exclusive`);
  if (present.length === 0) throw new ManagementError(422, `${names.join(', ')} are missing, exactly one parameter must be provided`);
}

/** Grape's `at_least_one_of`. */
export function atLeastOne(data: Record<string, unknown>, names: readonly string[]): void {
  if (!names.some((n) => given(data, n) && !isBlank(data[n]))) throw new ManagementError(422, `${names.join(', ')} are missing, at least one parameter must be provided`);
}
