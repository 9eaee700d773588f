// The page of an e-mailed invitation to sign: the document to read (shown
// in the page when it is a PDF), and the acceptance — the signer types their
// name and agrees; the server keeps the time, their address and the
// document's SHA-256.

import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Grid, Input, Result, Typography } from 'antd';
import { DownloadOutlined, EditOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { portalApi, type Signature, type SignPage } from './api';
import { BrandHeader, BrandTheme } from './PortalLayout';

export function PortalSignPage() {
  const { token = '' } = useParams();
  const { t } = useI18n();
  const [page, setPage] = useState<SignPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    portalApi.signPage(token).then(setPage, setError);
  }, [token]);
  useEffect(load, [load]);
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="portal portal-denied">
        <Result status="403" title={t('portal.signInvalid')} subTitle={error.message} />
      </div>
    );
  }
  if (error) return <PageError error={error} onRetry={load} />;
  if (!page) return <PageLoading />;
  return (
    <BrandTheme branding={page.branding}>
      <BrandHeader branding={page.branding} />
      <main className="portal-main">
        <SignBody token={token} page={page} onSigned={load} />
      </main>
    </BrandTheme>
  );
}

function SignBody({ token, page, onSigned }: { token: string; page: SignPage; onSigned(): void }) {
  const { t, fmt } = useI18n();
  // note: phones' browsers do not show a PDF inside a page; they download it.
  const wide = Grid.useBreakpoint().md;
  const [name, setName] = useState('');
  const [agree, setAgree] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<Signature | null>(null);
  const doc = page.documents[0];
  const sig = done ?? page.signatures[0];

  const sign = async () => {
    setBusy(true);
    setFailure(null);
    try {
      setDone(await portalApi.sign(token, { name, agree, file_id: doc?.id }));
      onSigned();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={3} className="portal-section-title" data-testid="sign-title">
        {t('portal.signTitle', { title: page.title || `#${page.record_id}` })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.signFor', { address: page.address })}</Typography.Paragraph>
      {page.documents.length === 0 ? (
        <Alert type="info" showIcon title={t('portal.signNoDocument')} />
      ) : (
        page.documents.map((d) => (
          <Card key={d.id} size="small" title={d.name} extra={
            <Button icon={<DownloadOutlined />} href={portalApi.signFileURL(token, d.id)} download={d.name} data-testid="sign-download">
              {t('portal.download')}
            </Button>
          }>
            {d.type === 'application/pdf' && wide ? (
              <iframe className="portal-pdf" title={d.name} src={portalApi.signFileURL(token, d.id, true)} />
            ) : (
              <Typography.Text type="secondary">{t('portal.signReadFirst')}</Typography.Text>
            )}
          </Card>
        ))
      )}
      {sig ? (
        <Result
          status="success"
          icon={<SafetyCertificateOutlined />}
          title={t('portal.signedBy', { name: sig.name, date: fmt.dateTime(sig.at) })}
          subTitle={
            <span>
              {sig.file_name} · SHA-256 <span className="portal-hash" data-testid="sign-hash">{sig.sha256}</span>
            </span>
          }
          data-testid="sign-done"
        />
      ) : (
        page.documents.length > 0 && (
          <Card size="small" title={t('portal.signAccept')}>
            {failure != null && <ErrorAlert error={failure} style={{ marginBottom: 12 }} />}
            <Form layout="vertical" component="div">
              <Form.Item label={t('portal.signName')} htmlFor="sign-name" required>
                <Input id="sign-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="name" />
              </Form.Item>
              <Form.Item>
                <Checkbox checked={agree} onChange={(e) => setAgree(e.target.checked)} data-testid="sign-agree">
                  {t('portal.signAgree')}
                </Checkbox>
              </Form.Item>
              <Button
                type="primary"
                size="large"
                block
                icon={<EditOutlined />}
                disabled={!name.trim() || !agree}
                loading={busy}
                onClick={sign}
                data-testid="sign-submit"
              >
                {t('portal.signButton')}
              </Button>
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
                {t('portal.signEvidence')}
              </Typography.Paragraph>
            </Form>
          </Card>
        )
      )}
    </>
  );
}
