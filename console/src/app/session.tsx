import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { endpoints, type Endpoints } from '../api/admin.js';
import { config } from '../config.js';
import { hasAnyAbility } from '../lib/abilities.js';
import { ApiClient, ApiError } from '../lib/http.js';
import type { AbilityMap, SessionUser } from '../lib/types.js';

export type Notice = 'expired' | 'signedOut' | null;

interface SessionValue {
  status: 'loading' | 'out' | 'in';
  user: SessionUser | null;
  abilities: AbilityMap;
  api: Endpoints;
  notice: Notice;
  /** Throws ApiError: `identity.session.missing_otp` asks for the 2FA step. */
  signIn(email: string, password: string, otpCode?: string): Promise<void>;
  signOut(): Promise<void>;
}

const CSRF_KEY = 'warden.console.csrf';
const SessionContext = createContext<SessionValue | null>(null);

/**
 * The admin's session: the cookie lives in the browser, the CSRF token in local storage (the
 * login answer is the only place it is given). Any call refused because the session is gone
 * brings the sign-in form back with a message, wherever the admin was.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionValue['status']>('loading');
  const [user, setUser] = useState<SessionUser | null>(null);
  const [abilities, setAbilities] = useState<AbilityMap>({});
  const [notice, setNotice] = useState<Notice>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  const api = useMemo(() => endpoints(new ApiClient({
    prefix: config.apiPrefix,
    csrf: () => localStorage.getItem(CSRF_KEY),
    onSessionLost: () => {
      if (statusRef.current !== 'in') return;
      localStorage.removeItem(CSRF_KEY);
      setNotice('expired');
      setStatus('out');
    },
  })), []);

  const enter = useCallback(async (who: SessionUser) => {
    // Roles without back-office rules are stopped by the gateway permissions before the ability check.
    const map = await api.abilities().catch((e: unknown) => {
      if (e instanceof ApiError && e.keys.some((k) => k === 'authz.invalid_permission' || k === 'admin.ability.not_permitted')) return {};
      throw e;
    });
    if (!hasAnyAbility(map)) {
      await api.signOut().catch(() => undefined);
      localStorage.removeItem(CSRF_KEY);
      throw new ApiError(403, ['console.no_admin_abilities']);
    }
    setUser(who);
    setAbilities(map);
    setNotice(null);
    setStatus('in');
  }, [api]);

  useEffect(() => {
    api.me().then(enter).catch(() => setStatus('out'));
  }, [api, enter]);

  const signIn = useCallback(async (email: string, password: string, otpCode?: string) => {
    const who = await api.signIn(email, password, otpCode);
    if (who?.csrf_token) localStorage.setItem(CSRF_KEY, who.csrf_token);
    await enter(who);
  }, [api, enter]);

  const signOut = useCallback(async () => {
    await api.signOut().catch(() => undefined);
    localStorage.removeItem(CSRF_KEY);
    setUser(null);
    setAbilities({});
    setNotice('signedOut');
    setStatus('out');
  }, [api]);

  const value = useMemo<SessionValue>(() => ({ status, user, abilities, api, notice, signIn, signOut }), [status, user, abilities, api, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export const useApi = (): Endpoints => useSession().api;
