import { useState } from 'react';
import { Form, Input, Modal } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { checkFormKey, slugify } from './keys';

/** Names a new form: its title, and the key derived from it (editable now,
 * fixed once published: it names the table and what links to it). */
export function NewFormDialog({ open, onClose, taken }: { open: boolean; onClose(): void; taken: string[] }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [tried, setTried] = useState(false);
  const problem = !key ? 'key.required' : checkFormKey(key) ?? (taken.includes(key) ? 'key.formTaken' : null);
  const titleProblem = title.trim() ? null : 'newForm.titleRequired';

  const ok = () => {
    setTried(true);
    if (problem || titleProblem) return;
    onClose();
    navigate(`/studio/forms/${key}/design`, { state: { newForm: { title: title.trim() } } });
  };

  return (
    <Modal open={open} onCancel={onClose} onOk={ok} title={t('newForm.title')} okText={t('newForm.create')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('newForm.name')}
          htmlFor="new-form-title"
          required
          validateStatus={tried && titleProblem ? 'error' : undefined}
          help={tried && titleProblem ? t(titleProblem) : undefined}
          extra={t('newForm.nameHint')}
        >
          <Input
            id="new-form-title"
            autoFocus
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              if (!keyEdited) setKey(slugify(e.target.value, ''));
            }}
            onPressEnter={ok}
            placeholder={t('newForm.namePlaceholder')}
          />
        </Form.Item>
        <Form.Item
          label={t('newForm.key')}
          htmlFor="new-form-key"
          required
          validateStatus={(tried || keyEdited) && problem ? 'error' : undefined}
          help={(tried || keyEdited) && problem ? t(problem) : undefined}
          extra={t('newForm.keyHint')}
        >
          <Input
            id="new-form-key"
            className="mono"
            value={key}
            maxLength={48}
            onChange={(e) => {
              setKey(e.target.value);
              setKeyEdited(true);
            }}
            onPressEnter={ok}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
