import type { ActivityRow } from '../../db/repositories/activities.js';
import type { DataStorageRow, PhoneRow, ProfileRow } from '../../db/repositories/kyc-lists.js';
import type { UserView } from '../../domain/identity/user-view.js';
import type { Label, User } from '../../domain/users/user.js';
import { maskPhoneNumber } from '../../domain/kyc/phones-rules.js';

/** Barong entities (BARONG.md §4): every key present, timestamps ISO without fractions. */
export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const isoMs = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export type Decrypt = (sealed: string | null) => string | null;

const PROFILE_STATES = ['drafted', 'submitted', null, 'verified', 'rejected'];

export function labelEntity(l: Label) {
  return { key: l.key, value: l.value, scope: l.scope, created_at: iso(l.createdAt), updated_at: iso(l.updatedAt) };
}

/** Masks: last name keeps its first character; dob keeps `YYYY-MM-` (phones: maskPhoneNumber, by calling code). */
export function maskLastName(v: string | null): string | null {
  if (v === null || v.length === 0) return v;
  const chars = [...v];
  return chars[0] + '*'.repeat(chars.length - 1);
}
export function maskDob(v: string | null): string | null {
  return v === null ? v : v.slice(0, 8) + '*'.repeat(Math.max(0, v.length - 8));
}

export function profileEntity(p: ProfileRow, decrypt: Decrypt, masked: boolean) {
  const last = decrypt(p.last_name_encrypted);
  const dob = decrypt(p.dob_encrypted);
  return {
    first_name: decrypt(p.first_name_encrypted), last_name: masked ? maskLastName(last) : last, dob: masked ? maskDob(dob) : dob,
    address: decrypt(p.address_encrypted), postcode: decrypt(p.postcode_encrypted), city: decrypt(p.city_encrypted), country: p.country,
    state: PROFILE_STATES[p.state] ?? 'drafted', metadata: p.metadata, created_at: iso(p.created_at), updated_at: iso(p.updated_at),
  };
}

export function phoneEntity(p: PhoneRow, decrypt: Decrypt, masked: boolean) {
  const number = decrypt(p.number_encrypted) ?? '';
  return { country: p.country, number: masked ? maskPhoneNumber(number) : number, validated_at: isoMs(p.validated_at) };
}

export function dataStorageEntity(d: DataStorageRow) {
  return { title: d.title, data: d.data, created_at: iso(d.created_at), updated_at: iso(d.updated_at) };
}

export function userEntity(u: User, referralUid: string | null) {
  return { email: u.email, uid: u.uid, role: u.role, level: u.level, otp: u.otp, state: u.state, referral_uid: referralUid, data: u.data, username: u.username };
}

/** UserWithFullInfo; `csrfToken` only on responses that open a session. */
export function userWithFullInfo(v: UserView, decrypt: Decrypt, csrfToken?: string) {
  const u = v.user;
  return {
    email: u.email, uid: u.uid, role: u.role, level: u.level, otp: u.otp, state: u.state, referral_uid: v.referralUid,
    ...(csrfToken !== undefined ? { csrf_token: csrfToken } : {}),
    data: u.data, username: u.username,
    labels: v.labels.map(labelEntity),
    phones: v.phones.map((p) => phoneEntity(p, decrypt, true)),
    profiles: v.profiles.map((p) => profileEntity(p, decrypt, true)),
    data_storages: v.dataStorages.map(dataStorageEntity),
    created_at: iso(u.createdAt), updated_at: iso(u.updatedAt),
  };
}

export function activityEntity(a: ActivityRow) {
  return {
    id: Number(a.id), user_ip: a.user_ip, user_ip_country: a.user_ip_country, user_agent: a.user_agent, topic: a.topic,
    action: a.action, result: a.result, data: a.data, created_at: iso(a.created_at),
  };
}

/**
 * APIKey (BARONG.md §4); `secret` only on creation. Beyond Barong: `allowed_ips` and
 * `expires_at`, present only when the key has them, so a key without limits has exactly
 * Barong's key set.
 */
export function apiKeyEntity(k: { kid: string; algorithm: string; scope: string[]; state: string; allowedIps: string[] | null; expiresAt: Date | null; createdAt: Date; updatedAt: Date }, secret?: string) {
  return {
    kid: k.kid, algorithm: k.algorithm, scope: k.scope, state: k.state,
    ...(secret !== undefined && k.algorithm.startsWith('HS') ? { secret } : {}),
    ...(k.allowedIps !== null ? { allowed_ips: k.allowedIps } : {}),
    ...(k.expiresAt !== null ? { expires_at: iso(k.expiresAt) } : {}),
    created_at: iso(k.createdAt), updated_at: iso(k.updatedAt),
  };
}

/** `GET resource/service_accounts` renders raw records, timestamps with milliseconds (§7.10). */
export function serviceAccountRecord(a: { id: number; uid: string; ownerId: number | null; email: string; role: string; level: number; state: string; createdAt: Date; updatedAt: Date }) {
  return {
    id: a.id, uid: a.uid, owner_id: a.ownerId, email: a.email, role: a.role, level: a.level, state: a.state,
    created_at: isoMs(a.createdAt), updated_at: isoMs(a.updatedAt),
  };
}
