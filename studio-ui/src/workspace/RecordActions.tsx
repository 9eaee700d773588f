// The record page's "create from" buttons and its documents menu. Each
// conversion the user may run is a button (disabled, with its rule, while
// the record does not meet it); a document is generated on the server,
// stored with the record, and offered for download at once.

import { useEffect, useState } from 'react';
import { Alert, App, Button, Dropdown, Space, Tooltip } from 'antd';
import { DownloadOutlined, DownOutlined, FilePdfOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import type { FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ws, type Conversion, type DocumentTemplate, type StoredFile } from './api';
import { download } from './download';
import { conversionOffer, mayPrint } from './recordActions';
import { useWorkspace } from './WorkspaceContext';

interface Props {
  detail: FormDetail;
  rec: RecordValue;
  /** Shows why the server refused. */
  onFailure(e: unknown): void;
  /** A document was stored on the record. */
  onGenerated(f: StoredFile, title: string): void;
}

export function RecordActions({ detail, rec, onFailure, onGenerated }: Props) {
  const { t, label } = useI18n();
  const { user } = useAuth();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const { forms: usable, permissions } = useWorkspace();
  const [conversions, setConversions] = useState<Conversion[]>([]);
  const [templates, setTemplates] = useState<DocumentTemplate[]>([]);
  const [printing, setPrinting] = useState(false);
  const id = Number(rec.id);

  useEffect(() => {
    let live = true;
    ws.conversions(detail.key).then((c) => live && setConversions(c), () => live && setConversions([]));
    ws.documents(detail.key).then((d) => live && setTemplates(d), () => live && setTemplates([]));
    return () => {
      live = false;
    };
  }, [detail.key]);

  const formTitle = (key: string) => label(usable.find((f) => f.key === key)?.title ?? key);

  const convert = (cv: Conversion) => {
    const target = formTitle(cv.target);
    modal.confirm({
      title: t('ws.convertConfirm', { form: target }),
      content: t('ws.convertConfirmText'),
      okText: t('ws.convert'),
      okButtonProps: { 'data-testid': 'convert-ok' } as Record<`data-${string}`, string>,
      onOk: async () => {
        try {
          const made = await ws.convert(detail.key, id, cv.key);
          message.success(t('ws.converted', { form: target }));
          navigate(`/app/forms/${cv.target}/${String(made.id)}`);
        } catch (e) {
          onFailure(e);
        }
      },
    });
  };

  const print = async (key: string) => {
    const tpl = templates.find((d) => d.key === key);
    if (!tpl) return;
    setPrinting(true);
    try {
      const file = await ws.generate(detail.key, id, key);
      message.success(t('ws.generated', { name: file.name }));
      onGenerated(file, label(tpl.title));
    } catch (e) {
      onFailure(e);
    } finally {
      setPrinting(false);
    }
  };

  const offers = conversions.flatMap((cv) => {
    const offer = conversionOffer(cv, detail.definition, rec, permissions, user ?? undefined);
    return offer ? [{ cv, offer }] : [];
  });

  if (offers.length === 0 && !(templates.length > 0 && mayPrint(detail.key, permissions))) return null;
  return (
    <Space wrap>
      {offers.map(({ cv, offer }) => {
        const text = cv.title ? label(cv.title) : formTitle(cv.target);
        const button = (
          <Button icon={<NodeIndexOutlined />} disabled={offer.state === 'blocked'} onClick={() => convert(cv)} data-testid={`convert-${cv.key}`}>
            {text}
          </Button>
        );
        return offer.state === 'blocked' ? (
          <Tooltip
            key={cv.key}
            title={
              <>
                {t('ws.convertBlocked')}
                <code className="ws-rule">{offer.rule}</code>
              </>
            }
          >
            <span data-testid={`convert-blocked-${cv.key}`}>{button}</span>
          </Tooltip>
        ) : (
          <span key={cv.key}>{button}</span>
        );
      })}
      {templates.length > 0 && mayPrint(detail.key, permissions) && (
        <Dropdown
          trigger={['click']}
          menu={{
            items: templates.map((d) => ({ key: d.key, icon: <FilePdfOutlined />, label: <span data-testid={`document-${d.key}`}>{label(d.title)}</span> })),
            onClick: ({ key }) => void print(key),
          }}
        >
          <Button icon={<FilePdfOutlined />} loading={printing} data-testid="documents-menu">
            {t('ws.documents')} <DownOutlined />
          </Button>
        </Dropdown>
      )}
    </Space>
  );
}

/** The document just generated, to download, until the user closes it. */
export function GeneratedFile({ file, title, onClose }: { file: StoredFile; title: string; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const save = () => download(`/api/v1/files/${encodeURIComponent(file.id)}`, file.name).catch((e: Error) => message.error(e.message));
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      style={{ marginBottom: 12 }}
      data-testid="generated-file"
      title={t('ws.generatedTitle', { title })}
      description={t('ws.generatedHint')}
      action={
        <Button type="primary" size="small" icon={<DownloadOutlined />} onClick={save} data-testid="download-generated">
          {t('ws.downloadFile', { name: file.name })}
        </Button>
      }
    />
  );
}
