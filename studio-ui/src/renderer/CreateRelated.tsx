// "Create new" beside a relation's search: the target form's generated form
// in a modal; the record it creates becomes the field's value.

import { useEffect, useState } from 'react';
import { Button, Modal, Space } from 'antd';
import { forms } from '../api/forms';
import type { FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageLoading } from '../shell/PageState';
import { RecordForm } from './RecordForm';
import { fieldProblems } from './serverErrors';
import { useRecordForm } from './useRecordForm';

interface Props {
  target: string;
  onCreated(rec: RecordValue, detail: FormDetail): void;
  onClose(): void;
}

export default function CreateRelated({ target, onCreated, onClose }: Props) {
  const { t, label } = useI18n();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    forms.get(target).then(setDetail, setError);
  }, [target]);
  return (
    <Modal open width={760} title={detail ? t('record.newTitle', { form: label(detail.title) }) : ''} onCancel={onClose} footer={null} destroyOnHidden>
      {error ? <ErrorAlert error={error} /> : detail ? <Body detail={detail} onCreated={onCreated} onClose={onClose} /> : <PageLoading />}
    </Modal>
  );
}

function Body({ detail, onCreated, onClose }: { detail: FormDetail } & Omit<Props, 'target'>) {
  const { t } = useI18n();
  const { user } = useAuth();
  const form = useRecordForm(detail.definition, detail.record_schema, user ?? undefined);
  const [busy, setBusy] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const save = async () => {
    setShowAll(true);
    if (Object.keys(form.errors).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      onCreated(await forms.create(detail.key, form.payload()), detail);
    } catch (e) {
      setFailure(e);
      setServerErrors(fieldProblems(form.fields, e).onFields);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {failure ? <ErrorAlert error={failure} style={{ marginBottom: 12 }} /> : null}
      <RecordForm form={form} serverErrors={serverErrors} showAllErrors={showAll} formKey={detail.key} disabled={busy} />
      <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="primary" onClick={save} loading={busy} data-testid="create-related-save">
          {t('record.submit')}
        </Button>
      </Space>
    </>
  );
}
