import type { DeviceFields } from '../../db/repositories/devices.js';

/** OneSignal's device_type enumeration: 0 iOS, 1 Android, 2 Amazon, 3 Windows Phone, … 14 Huawei. */
export const DEVICE_TYPE_MAX = 14;

export const DEVICE_PARAMS = ['device_type', 'identifier', 'language', 'timezone', 'app_version', 'device_model', 'device_os'] as const;

const absent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function integer(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*[+-]?\d{1,9}\s*$/.test(v)) return Number(v);
  return null;
}

function text(v: unknown, max: number): string | null {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
  return s !== null && s.length >= 1 && s.length <= max && !/[\u0000-\u001f]/.test(s) ? s : null;
}

/**
 * The device part of a sign-up (OneSignal's add-device fields), every one optional. Returns the
 * fields (null when none was given) and model errors `<param>.invalid`.
 */
export function readDevice(params: Record<string, unknown>): { device: DeviceFields | null; errors: string[] } {
  const errors: string[] = [];
  const d: DeviceFields = { deviceType: null, identifier: null, language: null, timezone: null, appVersion: null, deviceModel: null, deviceOs: null };
  const take = <T>(name: string, parse: (v: unknown) => T | null, set: (v: T) => void) => {
    const v = params[name];
    if (absent(v)) return;
    const parsed = parse(v);
    if (parsed === null) errors.push(`${name}.invalid`);
    else set(parsed);
  };
  take('device_type', (v) => { const n = integer(v); return n !== null && n >= 0 && n <= DEVICE_TYPE_MAX ? n : null; }, (v) => { d.deviceType = v; });
  take('identifier', (v) => text(v, 255), (v) => { d.identifier = v; });
  take('language', (v) => { const s = text(v, 16); return s && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(s) ? s : null; }, (v) => { d.language = v; });
  // UTC-12:00 … UTC+14:00
  take('timezone', (v) => { const n = integer(v); return n !== null && n >= -43_200 && n <= 50_400 ? n : null; }, (v) => { d.timezone = v; });
  take('app_version', (v) => text(v, 64), (v) => { d.appVersion = v; });
  take('device_model', (v) => text(v, 128), (v) => { d.deviceModel = v; });
  take('device_os', (v) => text(v, 64), (v) => { d.deviceOs = v; });
  const given = Object.values(d).some((v) => v !== null);
  return { device: given ? d : null, errors };
}
