import type { ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { AuthProvider } from '../auth/AuthContext';
import { I18nProvider, useI18n, type Lang } from '../i18n';

function Antd({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      // note: Ant Design spaces out two-character Chinese buttons ("登 录");
      // labels read as written.
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          colorPrimary: '#1677ff',
          borderRadius: 6,
          fontFamily:
            '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Language, Ant Design's locale and theme, and the session. */
export function AppProviders({ children, lang }: { children: ReactNode; lang?: Lang }) {
  return (
    <I18nProvider lang={lang}>
      <Antd>
        <AuthProvider>{children}</AuthProvider>
      </Antd>
    </I18nProvider>
  );
}
