import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Modal, Row, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { definitions } from '../api/definitions';
import type { DefinitionInfo } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError } from '../shell/PageState';
import { archive, byKind, downloadArchive, planSummary, saveBlob, type PlannedChange } from './appArchive';

const changeColor = { new: 'green', changed: 'orange', unchanged: 'default' } as const;

/** Where a definition is edited in the studio, when it has a designer. */
function editorOf(d: DefinitionInfo): string | null {
  if (d.kind === 'form') return `/studio/forms/${d.key}/design`;
  if (d.kind === 'role') return '/studio/access?tab=permissions';
  return null;
}

/** The application: its definitions by kind with their versions, and the
 * whole of it as a zip to download, or to upload after seeing what it
 * would change. */
export function AppsPage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [defs, setDefs] = useState<DefinitionInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [plan, setPlan] = useState<PlannedChange[] | null>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [destructive, setDestructive] = useState(false);
  const load = useCallback(() => {
    setError(null);
    definitions.list().then(setDefs, setError);
  }, []);
  useEffect(load, [load]);

  const exportZip = async () => {
    setExporting(true);
    try {
      saveBlob(await downloadArchive(), 'mosaic-application.zip');
    } catch (e) {
      setError(e);
    } finally {
      setExporting(false);
    }
  };
  const choose = async (f: File) => {
    setFile(f);
    setPlan(null);
    setImportError(null);
    setBusy(true);
    try {
      setPlan(await archive.plan(f));
    } catch (e) {
      setImportError(e);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!file) return;
    setBusy(true);
    setImportError(null);
    try {
      const res = await archive.apply(file, destructive);
      const n = res.filter((r) => !r.unchanged).length;
      message.success(t('apps.imported', { n }));
      close();
      load();
    } catch (e) {
      setImportError(e);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setFile(null);
    setPlan(null);
    setImportError(null);
    setDestructive(false);
  };
  if (error && !defs) return <PageError error={error} onRetry={load} />;
  const summary = plan ? planSummary(plan) : null;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('apps.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('apps.subtitle')}</Typography.Text>
        </div>
        <Space>
          <Upload accept=".zip,application/zip" showUploadList={false} beforeUpload={(f) => (void choose(f), false)}>
            <Button icon={<UploadOutlined />}>{t('apps.import')}</Button>
          </Upload>
          <Button type="primary" icon={<DownloadOutlined />} loading={exporting} onClick={exportZip}>
            {t('apps.export')}
          </Button>
        </Space>
      </div>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} /> : null}
      <Card size="small" title={t('apps.application')} loading={!defs}>
        {defs && (
          <Row gutter={16} style={{ marginBottom: 16 }}>
            {byKind(defs).map(([kind, list]) => (
              <Col key={kind}>
                <Statistic title={t(`apps.kind.${kind}` as MessageKey)} value={list.length} />
              </Col>
            ))}
          </Row>
        )}
        {defs &&
          byKind(defs).map(([kind, list]) => (
            <div key={kind} className="apps-group">
              <Typography.Title level={5}>{t(`apps.kind.${kind}` as MessageKey)}</Typography.Title>
              <Table<DefinitionInfo>
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={list}
                columns={[
                  { title: t('apps.colTitle'), render: (_, d) => (editorOf(d) ? <Link to={editorOf(d)!}>{label(d.title)}</Link> : label(d.title)) },
                  { title: t('apps.colKey'), width: 240, render: (_, d) => <code>{d.key}</code> },
                  { title: t('apps.colVersion'), width: 110, render: (_, d) => (d.latest_version ? <Tag color="blue">v{d.latest_version}</Tag> : '—') },
                  {
                    title: t('apps.colStatus'),
                    width: 200,
                    render: (_, d) => (
                      <Space size={4}>
                        {d.latest_version ? <Tag color="green">{t('apps.published')}</Tag> : null}
                        {d.has_draft ? <Tag color="orange">{t('apps.draft')}</Tag> : null}
                      </Space>
                    ),
                  },
                ]}
              />
            </div>
          ))}
      </Card>

      <Modal
        open={!!file}
        width={760}
        title={t('apps.importTitle', { name: file?.name ?? '' })}
        onCancel={close}
        footer={
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} disabled={!plan || (summary!.new === 0 && summary!.changed === 0)} onClick={apply}>
              {t('apps.apply')}
            </Button>
          </Space>
        }
      >
        {importError ? <ErrorAlert error={importError} style={{ marginBottom: 12 }} /> : null}
        {busy && !plan ? <div className="muted">{t('apps.checking')}</div> : null}
        {plan && summary && (
          <>
            <Alert
              type={summary.new + summary.changed > 0 ? 'info' : 'success'}
              showIcon
              title={t('apps.dryRun', { new: summary.new, changed: summary.changed, unchanged: summary.unchanged })}
              description={t('apps.dryRunHelp')}
              style={{ marginBottom: 12 }}
            />
            <Table<PlannedChange>
              size="small"
              rowKey="file"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={[...plan].sort((a, b) => (a.change === b.change ? 0 : a.change === 'unchanged' ? 1 : b.change === 'unchanged' ? -1 : 0))}
              columns={[
                { title: t('apps.colChange'), width: 110, render: (_, p) => <Tag color={changeColor[p.change]}>{t(`apps.change.${p.change}`)}</Tag> },
                { title: t('apps.colKind'), width: 100, render: (_, p) => t(`apps.kind.${p.kind}` as MessageKey) },
                { title: t('apps.colTitle'), render: (_, p) => `${label(p.title)} (${p.key})` },
                { title: t('apps.colVersion'), width: 120, render: (_, p) => (p.change === 'changed' ? `v${p.live_version} → v${p.live_version + 1}` : `v${p.live_version || 1}`) },
              ]}
            />
            <Checkbox checked={destructive} onChange={(e) => setDestructive(e.target.checked)} style={{ marginTop: 12 }}>
              {t('apps.allowDestructive')}
            </Checkbox>
          </>
        )}
      </Modal>
    </div>
  );
}
