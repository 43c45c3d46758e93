/**
 * Settings the server writes into index.html (src/http/console.ts) as a JSON script element;
 * the Vite dev server has none, so the defaults match Warden's.
 */
export interface ConsoleConfig {
  /** Mount point of the Barong API groups (API_PREFIX). */
  apiPrefix: string;
  /** Reasons offered when a KYC item is rejected (CONSOLE_REJECT_REASONS). */
  rejectReasons: string[];
  version: string | null;
}

const DEFAULTS: ConsoleConfig = { apiPrefix: '/api/v2/auth', rejectReasons: [], version: null };

export function readConfig(doc: Document = document): ConsoleConfig {
  const el = doc.getElementById('warden-config');
  if (!el?.textContent) return DEFAULTS;
  try {
    const raw = JSON.parse(el.textContent) as Partial<ConsoleConfig>;
    return {
      apiPrefix: typeof raw.apiPrefix === 'string' ? raw.apiPrefix : DEFAULTS.apiPrefix,
      rejectReasons: Array.isArray(raw.rejectReasons) ? raw.rejectReasons.filter((r): r is string => typeof r === 'string') : [],
      version: typeof raw.version === 'string' ? raw.version : null,
    };
  } catch {
    return DEFAULTS;
  }
}

export const config = readConfig();
