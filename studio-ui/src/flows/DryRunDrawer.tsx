import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Empty, Select, Space, Tag, Timeline, Typography } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import { forms } from '../api/forms';
import type { FieldDef, RecordValue } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import type { DryRun } from './api';

interface Props {
  open: boolean;
  form: string;
  fields: FieldDef[];
  onClose(): void;
  /** Saves the draft when needed and runs it over record. */
  run(record: number): Promise<DryRun>;
  result: DryRun | null;
}

/** The field a record is searched and named by: its first text or number. */
export function nameField(fields: FieldDef[]): FieldDef | undefined {
  return fields.find((f) => f.type === 'auto_number') ?? fields.find((f) => f.type === 'text');
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Picks a stored record and shows the path the draft would take on it, who
 * would get each task, and what each action would do. */
export function DryRunDrawer({ open, form, fields, onClose, run, result }: Props) {
  const { t, label } = useI18n();
  const [q, setQ] = useState('');
  const [records, setRecords] = useState<RecordValue[]>([]);
  const [record, setRecord] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const named = nameField(fields);
  const money = fields.find((f) => f.key === 'amount') ?? fields.find((f) => f.type === 'money');

  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      const filter = q && named ? `${named.key} contains ${JSON.stringify(q)}` : undefined;
      forms.records(form, { filter, sort: '-id', per_page: 20 }).then(
        (p) => setRecords(p.items),
        () => setRecords([]),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [open, q, form, named]);

  const go = async () => {
    if (record === null) return;
    setBusy(true);
    setError(null);
    try {
      await run(record);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const describe = (r: RecordValue) => [`#${r.id as number}`, named ? show(r[named.key] ?? '') : '', money && r[money.key] != null ? `${label(money.label)} ${show(r[money.key])}` : ''].filter(Boolean).join(' · ');

  return (
    <Drawer open={open} onClose={onClose} title={t('flow.dryRun')} mask={false} size={420} data-testid="dryrun-drawer">
      <Typography.Paragraph type="secondary">{t('flow.dryRunHint')}</Typography.Paragraph>
      <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
        <Select
          data-testid="dryrun-record"
          aria-label={t('flow.dryRunRecord')}
          placeholder={t('flow.dryRunRecord')}
          showSearch={{ filterOption: false, onSearch: setQ }}
          style={{ flex: 1 }}
          value={record ?? undefined}
          onChange={(v: number) => setRecord(v)}
          options={records.map((r) => ({ value: r.id as number, label: describe(r) }))}
          notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('flow.dryRunNoRecords')} />}
        />
        <Button type="primary" icon={<ExperimentOutlined />} onClick={() => void go()} loading={busy} disabled={record === null} data-testid="dryrun-go">
          {t('flow.dryRunGo')}
        </Button>
      </Space.Compact>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 12 }} /> : null}
      {result && (
        <div data-testid="dryrun-result">
          <Space wrap style={{ marginBottom: 12 }}>
            <Tag color={result.draft ? 'gold' : 'green'}>{result.draft ? t('flow.dryRunOfDraft') : t('flow.dryRunOfLive', { n: result.version })}</Tag>
            {result.outcome && <Tag color={result.outcome === 'approved' ? 'green' : 'red'}>{t(`flow.outcome.${result.outcome}` as MessageKey)}</Tag>}
            {result.submitter && <span className="muted">{t('flow.dryRunSubmitter', { name: result.submitter.name || result.submitter.email })}</span>}
          </Space>
          {result.stopped && <Alert type="warning" showIcon title={result.stopped} style={{ marginBottom: 12 }} />}
          <Timeline
            items={result.steps.map((s, i) => ({
              color: s.error ? 'red' : s.warning ? 'orange' : 'green',
              content: (
                <div data-testid={`dryrun-step-${s.node}`}>
                  <Typography.Text strong>
                    {i + 1}. {label(s.title) || s.node}
                  </Typography.Text>{' '}
                  <Tag>{t(`flow.kind.${s.type}` as MessageKey)}</Tag>
                  {s.mode && <Tag color="blue">{t(`flow.mode.${s.mode}` as MessageKey)}</Tag>}
                  {s.condition && (
                    <div>
                      {t('flow.dryRunTook')} <code>{s.condition}</code>
                    </div>
                  )}
                  {s.default && <div>{t('flow.dryRunDefault')}</div>}
                  {s.values && s.values.length > 0 && (
                    <div className="muted">
                      {s.values.map((v) => (
                        <code key={v.name} style={{ marginRight: 6 }}>
                          {v.name} = {show(v.value)}
                        </code>
                      ))}
                    </div>
                  )}
                  {s.assignee_users && s.assignee_users.length > 0 && (
                    <div data-testid={`dryrun-assignees-${s.node}`}>
                      {t('flow.dryRunTaskTo')} {s.assignee_users.map((u) => u.name || u.email).join(', ')}
                      {s.fallback && <Tag color="orange">{t('flow.dryRunFallback')}</Tag>}
                    </div>
                  )}
                  {s.effects?.map((e, k) => (
                    <div key={k} className="muted">
                      {t(`flow.action.${e.action}` as MessageKey)}
                      {e.form ? ` → ${e.form}` : ''}
                      {e.to?.length ? ` → ${e.to.map((id) => result.users.find((u) => u.id === id)?.name ?? `#${id}`).join(', ')}` : ''}
                    </div>
                  ))}
                  {s.detail && <div className="muted">{s.detail}</div>}
                  {s.warning && <div className="field-error">{s.warning}</div>}
                  {s.error && <div className="field-error">{s.error}</div>}
                </div>
              ),
            }))}
          />
        </div>
      )}
    </Drawer>
  );
}
