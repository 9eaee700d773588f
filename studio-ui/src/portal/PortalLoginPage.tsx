// /portal/login/<portal>: a portal user signs in with their e-mail and
// password; the answer is the same kind of token a link carries.

import { useState } from 'react';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { request } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { portalToken } from './api';
import './portal.css';

export function PortalLoginPage() {
  const { portal = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const r = await request<{ token: string }>('POST', '/api/v1/portal/login', { anonymous: true, body: { portal, email, password } });
      portalToken.set(r.data.token);
      navigate('/portal', { replace: true });
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="portal portal-denied">
      <Card style={{ width: 'min(380px, 92vw)' }} extra={<LanguageSwitch />} title={t('portal.loginTitle')}>
        <Typography.Paragraph type="secondary">{t('portal.loginHint')}</Typography.Paragraph>
        {failure != null && <ErrorAlert error={failure} style={{ marginBottom: 12 }} />}
        <Form layout="vertical" component="form" onFinish={submit}>
          <Form.Item label={t('login.email')} htmlFor="portal-email" required>
            <Input id="portal-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Form.Item>
          <Form.Item label={t('login.password')} htmlFor="portal-password" required>
            <Input.Password
              id="portal-password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={!email || !password}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
