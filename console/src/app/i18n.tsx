import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import { describeError, LANGS, preferredLang, translate, type Lang, type TextKey } from '../lib/i18n.js';

dayjs.extend(localizedFormat);

interface LangValue {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: TextKey, vars?: Record<string, string | number>): string;
  /** An API error key in words. */
  err(key: string): string;
}

const STORAGE_KEY = 'warden.console.lang';
const LangContext = createContext<LangValue | null>(null);

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (LANGS as readonly string[]).includes(stored)) return stored as Lang;
  return preferredLang(navigator.languages ?? [navigator.language]);
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    dayjs.locale(lang);
  }, [lang]);
  const setLang = useCallback((l: Lang) => { localStorage.setItem(STORAGE_KEY, l); setLangState(l); }, []);
  const value = useMemo<LangValue>(() => ({
    lang, setLang, t: (key, vars) => translate(lang, key, vars), err: (key) => describeError(lang, key),
  }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useT(): LangValue {
  const v = useContext(LangContext);
  if (!v) throw new Error('useT outside LangProvider');
  return v;
}
