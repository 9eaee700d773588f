// Chinese and English for every word the studio shows, and the formats of
// dates, numbers and money in each. Chinese is the default.

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { en, type MessageKey } from './en';
import { zh } from './zh';
import { localLabel, type Lang } from './label';

export type { Lang, MessageKey };
export { localLabel };

const dictionaries: Record<Lang, Record<MessageKey, string>> = { zh, en };
const storageKey = 'mosaic.lang';

/** The language to start with: the user's last choice, else the browser's, else Chinese. */
export function initialLang(): Lang {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'zh' || saved === 'en') return saved;
  const nav = typeof navigator !== 'undefined' ? navigator.language.toLowerCase() : 'zh';
  return nav.startsWith('en') ? 'en' : 'zh';
}

export type Params = Record<string, string | number>;

/** Fills {name} placeholders. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return interpolate(dictionaries[lang][key] ?? en[key] ?? key, params);
}

export interface Formats {
  number(n: number, digits?: number): string;
  money(n: number, currency?: string, scale?: number): string;
  percent(fraction: number, scale?: number): string;
  date(iso: string): string;
  dateTime(iso: string): string;
}

export function formats(lang: Lang): Formats {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  return {
    number: (n, digits) =>
      new Intl.NumberFormat(locale, { minimumFractionDigits: digits ?? 0, maximumFractionDigits: digits ?? 6 }).format(n),
    money: (n, currency = 'CNY', scale = 2) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: scale, maximumFractionDigits: scale }).format(n),
    percent: (f, scale = 2) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: Math.max(0, scale - 2) }).format(f),
    date: (iso) => (iso ? dayjs(iso).locale(lang === 'zh' ? 'zh-cn' : 'en').format(lang === 'zh' ? 'YYYY年M月D日' : 'MMM D, YYYY') : ''),
    dateTime: (iso) =>
      iso ? dayjs(iso).locale(lang === 'zh' ? 'zh-cn' : 'en').format(lang === 'zh' ? 'YYYY年M月D日 HH:mm' : 'MMM D, YYYY HH:mm') : '',
  };
}

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, params?: Params): string;
  /** A definition's label in the current language. */
  label(text: string | undefined): string;
  fmt: Formats;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang());
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(storageKey, l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      label: (text) => localLabel(text, lang),
      fmt: formats(lang),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
