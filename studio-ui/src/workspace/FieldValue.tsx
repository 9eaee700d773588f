// A field's value as text, with linked records and people named rather
// than numbered (and linked to, where the user may open them), and files
// as links that download them.

import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { forms } from '../api/forms';
import type { FieldDef } from '../api/types';
import { useI18n } from '../i18n';
import { formatValue } from '../renderer/FieldControl';
import { PersonName } from '../renderer/lookups';
import { AttachmentLinks } from './AttachmentLinks';
import { useWorkspace } from './WorkspaceContext';

const titles = new Map<string, Promise<string>>();

/** The name of record id of form: its first text or auto-number field. */
function recordTitle(form: string, id: number): Promise<string> {
  const key = `${form}/${id}`;
  let p = titles.get(key);
  if (!p) {
    p = Promise.all([forms.get(form), forms.record(form, id)])
      .then(([d, r]) => {
        const f = d.definition.fields.find((x) => x.type === 'auto_number' || x.type === 'text');
        return f && r[f.key] ? String(r[f.key]) : `#${id}`;
      })
      .catch(() => `#${id}`);
    titles.set(key, p);
  }
  return p;
}

function RecordTitle({ form, id }: { form: string; id: number }) {
  const [text, setText] = useState(`#${id}`);
  useEffect(() => {
    let live = true;
    void recordTitle(form, id).then((t) => live && setText(t));
    return () => {
      live = false;
    };
  }, [form, id]);
  return <>{text}</>;
}

export function FieldValue({ def, value }: { def: FieldDef; value: unknown }) {
  const { t, fmt, label } = useI18n();
  const { forms: usable } = useWorkspace();
  if (value === null || value === undefined || value === '') return <>—</>;
  if (def.type === 'user' && typeof value === 'number') return <PersonName id={value} />;
  if (def.type === 'relation' && def.target && typeof value === 'number') {
    const title = <RecordTitle form={def.target} id={value} />;
    // note: a link only to a form the user may open; otherwise it would lead to a refusal.
    return usable.some((f) => f.key === def.target) ? <Link to={`/app/forms/${def.target}/${value}`}>{title}</Link> : title;
  }
  if (def.type === 'attachment') return <AttachmentLinks value={value} />;
  return <>{formatValue(def, value, { t, fmt, label }) || '—'}</>;
}
