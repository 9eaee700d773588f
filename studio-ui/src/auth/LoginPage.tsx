import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from './AuthContext';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { ErrorAlert } from '../shell/ErrorAlert';
import { Logo } from '../shell/Logo';
import { ApiError } from '../api/client';

/** A failed sign-in in the user's language; other failures as they are. */
function LoginError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && (error.code === 'unauthorized' || error.code === 'locked' || error.code === 'too_many_requests')) {
    const key = error.code === 'unauthorized' ? 'login.bad' : error.code === 'locked' ? 'login.locked' : 'login.tooMany';
    return <Alert type="error" showIcon role="alert" title={t(key)} style={{ marginBottom: 16 }} />;
  }
  return <ErrorAlert error={error} style={{ marginBottom: 16 }} />;
}

/** The parts of the app with a sign-in page of their own, and where each starts. */
export type Area = 'studio' | 'app';
const home: Record<Area, string> = { studio: '/studio/forms', app: '/app' };

/** Where a login may send the user back to: only pages of this area. */
export function safeNext(next: string | null, area: Area = 'studio'): string {
  const base = `/${area}`;
  if (next && (next === base || next.startsWith(`${base}/`)) && !next.startsWith('//') && !next.startsWith(`${base}/login`)) return next;
  return home[area];
}

export function LoginPage({ area = 'studio' }: { area?: Area }) {
  const { t } = useI18n();
  const { status, login, expired } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'), area);

  if (status === 'signedIn') return <Navigate to={next} replace />;

  const submit = async (v: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.email.trim(), v.password);
      navigate(next, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <Card className="login-card">
        <div className="login-brand">
          <Logo size={36} />
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t(area === 'app' ? 'ws.loginSubtitle' : 'login.subtitle')}</Typography.Text>
          </div>
        </div>
        {expired && !error && <Alert type="info" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />}
        {error ? <LoginError error={error} /> : null}
        <Form layout="vertical" onFinish={submit} requiredMark={false} disabled={busy}>
          <Form.Item
            name="email"
            label={t('login.email')}
            rules={[{ required: true, message: t('login.emailRequired') }]}
          >
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus placeholder={area === 'app' ? 'name@example.com' : 'admin@example.com'} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
