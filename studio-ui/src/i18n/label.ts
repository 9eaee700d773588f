// Labels in the definitions are often bilingual, "Customer name 客户名称":
// the English words, then the Chinese. The workspace shows the half that
// matches the language; a label in one language is shown as it is.

export type Lang = 'zh' | 'en';

const cjk = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

/** Splits "Customer name 客户名称" into its English and Chinese halves. */
export function splitLabel(label: string): { en: string; zh: string } | null {
  const first = label.search(cjk);
  if (first <= 0) return null;
  const en = label.slice(0, first).trim();
  const zh = label.slice(first).trim();
  // note: only "latin… then CJK…" is bilingual; CJK followed by latin again
  // ("使用 API 的客户") is one Chinese label.
  if (!en || !zh || !/[A-Za-z]/.test(en) || /[A-Za-z]{2,}/.test(zh.replace(/[A-Z0-9]{1,6}/g, ''))) return null;
  return { en: en.replace(/[–—-]\s*$/, '').trim(), zh };
}

/** The half of a bilingual label for lang, or the label as it is. */
export function localLabel(label: string | undefined, lang: Lang): string {
  if (!label) return '';
  const parts = splitLabel(label);
  if (!parts) return label;
  return lang === 'zh' ? parts.zh : parts.en;
}
