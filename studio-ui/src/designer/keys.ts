// Field keys: derived from the label while the analyst types it, unique among
// their siblings, and checked with the server's rule.

/** The server's key rule (forms/keys.go). */
export const keyPattern = /^[a-z][a-z0-9_]{0,47}$/;

// note: mirrors reservedKeys in forms/keys.go so a derived key is one the
// server accepts; the server stays the judge and reports any other clash.
const reserved = new Set(
  [
    'id created_at created_by updated_at updated_by owner row_version flow_status form_version parent_id position',
    'user prev today record parent env submitter decisions related',
    'in not and or matches contains startswith endswith nil true false let if else',
    'select from where table order group by limit offset user_id default check primary foreign references null',
    'all any case when then end as on join union having',
    'sum len count min max mean round abs floor ceil now date duration filter map none one int float string trim upper lower',
  ]
    .join(' ')
    .split(' '),
);

export type KeyProblem = 'key.invalid' | 'key.doubleUnderscore' | 'key.reserved' | 'key.taken';

/** Why key cannot be a field key among taken, or null when it can. */
export function checkFieldKey(key: string, taken: Iterable<string> = []): KeyProblem | null {
  if (!keyPattern.test(key)) return 'key.invalid';
  if (key.includes('__')) return 'key.doubleUnderscore';
  if (reserved.has(key)) return 'key.reserved';
  for (const k of taken) if (k === key) return 'key.taken';
  return null;
}

/** Why key cannot be a form key, or null when it can. */
export function checkFormKey(key: string): KeyProblem | null {
  if (!keyPattern.test(key)) return 'key.invalid';
  if (key.includes('__')) return 'key.doubleUnderscore';
  return null;
}

/** The key a label suggests: "Customer name 客户名称" → "customer_name". A
 * label with no latin letters gives fallback. */
export function slugify(label: string, fallback: string): string {
  const latin = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  let key = latin || fallback;
  if (/^[0-9]/.test(key)) key = `f_${key}`;
  return key.slice(0, 48).replace(/_+$/, '');
}

/** A key for label that is valid and not among taken: "qty", "qty_2"… */
export function keyFromLabel(label: string, taken: Iterable<string>, fallback: string): string {
  const used = new Set(taken);
  const base = slugify(label, fallback);
  const ok = (k: string) => !used.has(k) && checkFieldKey(k) === null;
  if (ok(base)) return base;
  for (let n = 2; n < 1000; n++) {
    const suffix = `_${n}`;
    const k = base.slice(0, 48 - suffix.length).replace(/_+$/, '') + suffix;
    if (ok(k)) return k;
  }
  return `${fallback}_${Date.now() % 100000}`;
}
