import { useRef } from 'react';
import { Button, Dropdown, Input, Space } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import type { Problem } from '../api/types';
import { useI18n } from '../i18n';

export interface NameChoice {
  key: string;
  label: string;
}

interface Props {
  id?: string;
  value: string;
  onChange(v: string): void;
  placeholder?: string;
  problems?: Problem[];
  /** The names the expression may use, offered for insertion. */
  names: NameChoice[];
  'aria-label'?: string;
}

/** An expression with the server's compile errors shown under it as the
 * analyst types, and the form's fields a click away. */
export function ExpressionInput({ id, value, onChange, placeholder, problems = [], names, ...rest }: Props) {
  const { t, label } = useI18n();
  const ref = useRef<TextAreaRef>(null);
  const insert = (text: string) => {
    const el = ref.current?.resizableTextArea?.textArea;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + text + value.slice(end);
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };
  const error = problems.length > 0;
  return (
    <div className="expression-input">
      <Input.TextArea
        id={id}
        ref={ref}
        aria-label={rest['aria-label']}
        aria-invalid={error}
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        autoSize={{ minRows: 1, maxRows: 6 }}
        status={error ? 'error' : undefined}
        spellCheck={false}
      />
      <div className="expression-footer">
        <Dropdown
          trigger={['click']}
          menu={{
            items: names.map((n) => ({ key: n.key, label: `${n.key} — ${label(n.label)}` })),
            onClick: (e) => insert(e.key),
            style: { maxHeight: 280, overflow: 'auto' },
          }}
          disabled={names.length === 0}
        >
          <Button size="small" type="link" className="insert-field">
            <Space size={4}>
              {t('expr.insertField')}
              <DownOutlined />
            </Space>
          </Button>
        </Dropdown>
      </div>
      {problems.map((p, i) => (
        <div key={i} className="field-error expression-error" role="alert">
          {p.line ? <strong>{t('problem.at', { line: p.line, column: p.column ?? 1 })}: </strong> : null}
          {p.message}
        </div>
      ))}
    </div>
  );
}
