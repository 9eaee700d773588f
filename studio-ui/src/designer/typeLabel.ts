import { en, type MessageKey } from '../i18n/en';

/** The name of a field type in the user's language; a type this studio does
 * not know yet (newer server) is shown by its name. */
export function typeLabel(t: (k: MessageKey) => string, type: string): string {
  const key = `type.${type}` as MessageKey;
  return key in en ? t(key) : type;
}

export function typeHint(t: (k: MessageKey) => string, type: string): string {
  const key = `typeHint.${type}` as MessageKey;
  return key in en ? t(key) : '';
}
