/**
 * A management API failure, rendered as `{"error": body}` (BARONG.md §9.1): the management
 * API speaks English sentences and Barong's literal keys, not the `{"errors": [...]}` dialect
 * of the other groups, so its errors live outside the ErrorKey registry.
 */
export class ManagementError extends Error {
  /** `field` is `errors` where Barong reused the general format (api_keys model errors). */
  constructor(readonly status: number, readonly body: string | readonly string[], readonly field: 'error' | 'errors' = 'error') {
    super(typeof body === 'string' ? body : body.join(', '));
    this.name = 'ManagementError';
  }
}

export const NOT_FOUND = 'Record is not found';
export const notFound = () => new ManagementError(404, NOT_FOUND);

const RAILS_MESSAGES: Record<string, string> = {
  invalid: 'is invalid', blank: "can't be blank", taken: 'has already been taken', too_short: 'is too short',
  too_long: 'is too long', inclusion: 'is not included in the list', empty: "can't be empty", exists: 'already exists',
};

/**
 * A Warden model key (`email.invalid`, `password.weak`) as Barong's full message
 * (`Email is invalid`, `Password weak`): Rails' default wording for its standard reasons,
 * the reason itself for Barong's custom ones.
 */
export function fullMessage(key: string): string {
  const dot = key.indexOf('.');
  if (dot < 0) return key;
  const attr = key.slice(0, dot).replace(/_/g, ' ');
  const reason = key.slice(dot + 1);
  return `${attr.charAt(0).toUpperCase()}${attr.slice(1)} ${RAILS_MESSAGES[reason] ?? reason}`;
}
