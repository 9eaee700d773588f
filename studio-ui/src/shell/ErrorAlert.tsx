import type { CSSProperties, ReactNode } from 'react';
import { Alert } from 'antd';
import type { ErrorDetail } from '../api/client';
import { useI18n } from '../i18n';
import { describeError } from './errors';

interface Props {
  error: unknown;
  /** Details shown elsewhere (on the fields they name) are left out here. */
  details?: ErrorDetail[];
  action?: ReactNode;
  style?: CSSProperties;
  closable?: boolean;
  onClose?: () => void;
}

/** Shows an error in the API's one shape: what went wrong in the user's
 * language, the server's sentence, and each problem with its place. */
export function ErrorAlert({ error, details, action, style, closable, onClose }: Props) {
  const { t } = useI18n();
  const d = describeError(error);
  const list = details ?? d.details;
  const extra = list.filter((x) => x.message !== d.message || (x.path && list.length > 1));
  return (
    <Alert
      type={d.status === 409 ? 'warning' : 'error'}
      showIcon
      role="alert"
      title={t(d.title)}
      closable={closable ? { onClose } : undefined}
      action={action}
      style={style}
      description={
        <div className="error-description">
          <div>{d.message}</div>
          {extra.length > 0 && (
            <ul className="error-details">
              {extra.map((x, i) => (
                <li key={i}>
                  {x.path ? <code>{x.path}</code> : null} {x.message}
                  {x.line ? <span className="muted"> ({t('problem.at', { line: x.line, column: x.column ?? 1 })})</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      }
    />
  );
}
