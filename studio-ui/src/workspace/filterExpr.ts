// The filter builder's conditions as the list API's filter expression.

export interface Condition {
  field: string;
  op: '==' | '!=' | '>' | '>=' | '<' | '<=' | 'contains';
  value: string;
}

const numeric = new Set(['integer', 'decimal', 'money', 'percent', 'formula']);

/** One condition in the filter language; values are quoted unless the field is a number. */
export function conditionExpr(c: Condition, type: string): string {
  const v = numeric.has(type) && c.value.trim() !== '' && !Number.isNaN(Number(c.value)) ? String(Number(c.value)) : JSON.stringify(c.value);
  if (type === 'boolean') return `${c.field} ${c.op === '!=' ? '!=' : '=='} ${c.value === 'true' ? 'true' : 'false'}`;
  return `${c.field} ${c.op} ${v}`;
}

/** The builder's conditions and the power user's expression, all of which must hold. */
export function filterExpr(conds: Condition[], types: Record<string, string>, expr: string): string {
  const parts = conds.filter((c) => c.field && c.value !== '').map((c) => conditionExpr(c, types[c.field] ?? 'text'));
  if (expr.trim()) parts.push(`(${expr.trim()})`);
  return parts.join(' && ');
}
