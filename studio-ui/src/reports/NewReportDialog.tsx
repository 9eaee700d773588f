// Names a new report (over a source form) or dashboard: its title and the
// key derived from it, fixed once published since dashboards refer to it.

import { useState } from 'react';
import { Form, Input, Modal, Select } from 'antd';
import { useNavigate } from 'react-router';
import type { FormSummary } from '../api/types';
import { checkFormKey, slugify } from '../designer/keys';
import { useI18n } from '../i18n';

interface Props {
  kind: 'report' | 'dashboard' | null;
  forms: FormSummary[];
  taken: string[];
  onClose(): void;
}

export function NewReportDialog({ kind, forms, taken, onClose }: Props) {
  const { t, label } = useI18n();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [key, setKey] = useState('');
  const [source, setSource] = useState<string | undefined>();
  const [tried, setTried] = useState(false);
  const keyProblem = !key ? 'key.required' : (checkFormKey(key) ?? (taken.includes(key) ? 'reports.keyTaken' : null));
  const missing = !title.trim() || (kind === 'report' && !source);
  const ok = () => {
    setTried(true);
    if (keyProblem || missing) return;
    onClose();
    if (kind === 'report') navigate(`/studio/reports/design/${key}`, { state: { newReport: { title: title.trim(), source } } });
    else navigate(`/studio/reports/dashboards/${key}/design`, { state: { newDashboard: { title: title.trim() } } });
  };
  return (
    <Modal
      open={kind !== null}
      onCancel={onClose}
      onOk={ok}
      title={kind === 'report' ? t('reports.newReport') : t('reports.newDashboard')}
      okText={t('newForm.create')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t('reports.name')} htmlFor="new-report-title" required validateStatus={tried && !title.trim() ? 'error' : undefined}>
          <Input
            id="new-report-title"
            autoFocus
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              setKey(slugify(e.target.value, ''));
            }}
          />
        </Form.Item>
        <Form.Item
          label={t('newForm.key')}
          htmlFor="new-report-key"
          required
          validateStatus={tried && keyProblem ? 'error' : undefined}
          help={tried && keyProblem ? t(keyProblem as 'key.required') : undefined}
        >
          <Input id="new-report-key" className="mono" value={key} maxLength={48} onChange={(e) => setKey(e.target.value)} />
        </Form.Item>
        {kind === 'report' && (
          <Form.Item label={t('reports.source')} htmlFor="new-report-source" required validateStatus={tried && !source ? 'error' : undefined}>
            <Select
              id="new-report-source"
              showSearch
              optionFilterProp="label"
              value={source}
              onChange={setSource}
              options={forms.map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
