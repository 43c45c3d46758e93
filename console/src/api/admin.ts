import type { ApiClient, QueryValue } from '../lib/http.js';
import type {
  AbilityMap, AdminActivity, ApiKey, Level, Metrics, Permission, Restriction, SessionUser, User, UserActivity, UserWithKyc,
} from '../lib/types.js';

type Q = Record<string, QueryValue>;
const enc = encodeURIComponent;

/**
 * The endpoints the console calls (BARONG.md §5.13–5.14, §7.2, §8), one function each. Every
 * write carries `reason` when the admin gave one: the admin API keeps undeclared parameters out
 * of validation, and the audit log records what it is given.
 */
export function endpoints(api: ApiClient) {
  return {
    // Identity: the session cookie and its CSRF token.
    signIn: (email: string, password: string, otpCode?: string) =>
      api.send<SessionUser>('POST', '/identity/sessions', { email, password, otp_code: otpCode }, { sessionless: true }),
    signOut: () => api.send('DELETE', '/identity/sessions', {}, { sessionless: true }),
    me: () => api.get<SessionUser>('/resource/users/me'),
    whitelinkAccess: (token: string) => api.send('POST', '/identity/users/access', { whitelink_token: token }, { sessionless: true }),

    abilities: () => api.get<AbilityMap>('/admin/abilities'),
    metrics: (from: string, to: string) => api.get<Metrics>('/admin/metrics', { created_from: from, created_to: to }),
    levels: () => api.get<Level[]>('/admin/levels'),

    users: (q: Q) => api.page<User>('/admin/users', { ...q, extended: true }),
    user: (uid: string) => api.get<UserWithKyc>(`/admin/users/${enc(uid)}`),
    pendingDocuments: (q: Q = {}) => api.page<UserWithKyc>('/admin/users/documents/pending', { ...q, extended: true }),
    usersWithLabel: (key: string, value: string, q: Q = {}) => api.page<User>('/admin/users/labels', { key, value, ...q }),
    setState: (uid: string, state: string, reason?: string) => api.send('POST', '/admin/users/update', { uid, state, reason }),
    disableOtp: (uid: string, reason?: string) => api.send('POST', '/admin/users/update', { uid, otp: false, reason }),
    setRole: (uid: string, role: string, reason?: string) => api.send('POST', '/admin/users/role', { uid, role, reason }),

    addLabel: (uid: string, key: string, value: string, description?: string) =>
      api.send('POST', '/admin/users/labels', { uid, key, value, scope: 'private', description: description || undefined }),
    updateLabel: (uid: string, key: string, scope: string, value: string, description?: string) =>
      api.send('PUT', '/admin/users/labels', { uid, key, scope, value, description: description || undefined }),
    /** A KYC verdict: the private document/address label (created when missing). */
    updateLabelVerdict: (p: Q) => api.send('POST', '/admin/users/labels/update', p),
    deleteLabel: (uid: string, key: string, scope: string) => api.send('DELETE', '/admin/users/labels', { uid, key, scope }),

    apiKeys: (uid: string, q: Q = {}) => api.page<ApiKey>('/admin/api_keys', { uid, ...q }),
    activities: (q: Q) => api.page<UserActivity>('/admin/activities', q),
    adminActivities: (q: Q) => api.page<AdminActivity>('/admin/activities/admin', q),

    addComment: (uid: string, title: string, data: string) => api.send<UserWithKyc>('POST', '/admin/users/comments', { uid, title, data }),
    updateComment: (id: number, title: string, data: string) => api.send<UserWithKyc>('PUT', '/admin/users/comments', { id, title, data }),
    deleteComment: (id: number) => api.send<UserWithKyc>('DELETE', '/admin/users/comments', { id }),

    setProfileState: (uid: string, state: 'verified' | 'rejected', reason?: string) => api.send('PUT', '/admin/profiles', { uid, state, reason }),

    permissions: (q: Q = {}) => api.page<Permission>('/admin/permissions', q),
    createPermission: (p: Q) => api.send('POST', '/admin/permissions', p),
    updatePermission: (p: Q) => api.send('PUT', '/admin/permissions', p),
    deletePermission: (id: number) => api.send('DELETE', '/admin/permissions', { id }),

    restrictions: (q: Q = {}) => api.page<Restriction>('/admin/restrictions', q),
    createRestriction: (r: Q) => api.send('POST', '/admin/restrictions', r),
    updateRestriction: (r: Q) => api.send('PUT', '/admin/restrictions', r),
    deleteRestriction: (id: number) => api.send('DELETE', '/admin/restrictions', { id }),
    whitelink: (expireTime: number, range: 'day' | 'hour') =>
      api.send<{ whitelink_token: string }>('POST', '/admin/restrictions/whitelink', { expire_time: expireTime, range }),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;

/** Every page of a paginated list (the permission and restriction tables are small). */
export async function allPages<T>(fetchPage: (q: Q) => Promise<{ items: T[]; total: number }>, limit = 100, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const r = await fetchPage({ page, limit });
    out.push(...r.items);
    if (r.items.length < limit || out.length >= r.total) break;
  }
  return out;
}
