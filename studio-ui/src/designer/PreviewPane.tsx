import { useState } from 'react';
import { Alert, Button, Space } from 'antd';
import { CheckCircleOutlined, UndoOutlined } from '@ant-design/icons';
import type { FormDefinition, JSONSchema } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { RecordForm } from '../renderer/RecordForm';
import { useRecordForm } from '../renderer/useRecordForm';

/** The form as users will see it, driven by the draft being edited and the
 * record schema the server computed for it: formulas, visibility, defaults
 * and the same checks as the real form. Nothing is saved. */
export function PreviewPane({ def, schema }: { def: FormDefinition; schema?: JSONSchema }) {
  const { t, label } = useI18n();
  const { user } = useAuth();
  const form = useRecordForm(def, schema, user ?? undefined);
  const [checkAll, setCheckAll] = useState(false);
  const problems = Object.keys(form.errors).length;
  return (
    <section className="preview" aria-label={t('designer.preview')}>
      <Alert type="info" showIcon title={t('preview.banner')} style={{ marginBottom: 16 }} />
      <div className="preview-paper" data-testid="preview">
        <h2 className="preview-title">{label(def.title)}</h2>
        {def.description && <p className="muted">{def.description}</p>}
        <RecordForm form={form} showAllErrors={checkAll} />
        <Space>
          <Button icon={<CheckCircleOutlined />} onClick={() => setCheckAll(true)}>
            {t('preview.check')}
          </Button>
          <Button
            icon={<UndoOutlined />}
            onClick={() => {
              form.reset();
              setCheckAll(false);
            }}
          >
            {t('preview.reset')}
          </Button>
          {checkAll && (
            <span className={problems ? 'field-error' : 'ok-text'} role="status">
              {problems ? t('preview.problems', { n: problems }) : t('preview.ok')}
            </span>
          )}
        </Space>
      </div>
    </section>
  );
}
