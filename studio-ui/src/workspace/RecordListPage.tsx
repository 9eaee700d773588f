// The records of one form as the user may see them: the columns they may
// read, a filter builder and an expression box, sort, saved views (kept in
// this browser per user and form), server pages, bulk delete and export,
// and import with a row-by-row report.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Input, Modal, Select, Space, Table, Typography, Upload, Alert } from 'antd';
import type { TableProps } from 'antd';
import { DeleteOutlined, DownloadOutlined, FilterOutlined, PlusOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, query } from '../api/client';
import { forms } from '../api/forms';
import type { FieldDef, FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { formatValue } from '../renderer/FieldControl';
import { ws } from './api';
import { download } from './download';
import { filterExpr, type Condition } from './filterExpr';
import { FieldValue } from './FieldValue';
import { can, useWorkspace } from './WorkspaceContext';

interface View {
  name: string;
  conds: Condition[];
  expr: string;
  sort: string;
}

const viewsKey = (user: number, form: string) => `mosaic.views.${user}.${form}`;
const listable = (f: FieldDef) => f.type !== 'sub_table' && f.type !== 'attachment' && f.type !== 'long_text';

export function RecordListPage() {
  const { form = '' } = useParams();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    setDetail(null);
    forms.get(form).then(setDetail, setError);
  }, [form]);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!detail) return <PageLoading />;
  return <RecordList key={detail.key} detail={detail} />;
}

function RecordList({ detail }: { detail: FormDetail }) {
  const { t, label, fmt } = useI18n();
  const { user } = useAuth();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const perm = useWorkspace().permissions[detail.key];
  const fields = useMemo(() => detail.definition.fields.filter(listable), [detail]);
  const types = useMemo(() => Object.fromEntries(detail.definition.fields.map((f) => [f.key, f.type])), [detail]);
  const [conds, setConds] = useState<Condition[]>([]);
  const [expr, setExpr] = useState('');
  const [sort, setSort] = useState('-id');
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [rows, setRows] = useState<RecordValue[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [applied, setApplied] = useState('');
  const [round, setRound] = useState(0);
  const vk = viewsKey(user?.id ?? 0, detail.key);
  const [views, setViews] = useState<View[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(vk) ?? '[]') as View[];
    } catch {
      return [];
    }
  });

  useEffect(() => {
    let live = true;
    setLoading(true);
    setFailure(null);
    forms
      .records(detail.key, { filter: applied || undefined, sort, page, per_page: perPage })
      .then((r) => {
        if (!live) return;
        setRows(r.items);
        setTotal(r.total ?? r.items.length);
      }, (e) => live && setFailure(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [detail.key, applied, sort, page, perPage, round]);

  const apply = () => {
    setPage(1);
    setApplied(filterExpr(conds, types, expr));
  };
  const saveView = () => {
    let name = '';
    modal.confirm({
      title: t('ws.saveView'),
      content: <Input autoFocus aria-label={t('ws.viewName')} placeholder={t('ws.viewName')} onChange={(e) => (name = e.target.value)} />,
      onOk: () => {
        if (!name.trim()) return;
        const next = [...views.filter((v) => v.name !== name.trim()), { name: name.trim(), conds, expr, sort }];
        setViews(next);
        localStorage.setItem(vk, JSON.stringify(next));
      },
    });
  };
  const useView = (name: string) => {
    const v = views.find((x) => x.name === name);
    if (!v) return;
    setConds(v.conds);
    setExpr(v.expr);
    setSort(v.sort);
    setPage(1);
    setApplied(filterExpr(v.conds, types, v.expr));
  };

  const exportRows = (ids?: number[]) => {
    const filter = ids?.length ? `id in [${ids.join(',')}]` : applied;
    void download(`/api/v1/forms/${detail.key}/records/export${query({ format: 'csv', filter: filter || undefined, sort })}`, `${detail.key}.csv`).catch(
      (e: Error) => message.error(e.message),
    );
  };
  const removeSelected = () =>
    modal.confirm({
      title: t('ws.deleteConfirm', { n: selected.length }),
      okButtonProps: { danger: true },
      onOk: async () => {
        const byID = new Map(rows.map((r) => [Number(r.id), r]));
        for (const id of selected) await ws.remove(detail.key, id, Number(byID.get(id)?.row_version ?? 0));
        setSelected([]);
        setRound((r) => r + 1);
      },
    });

  const columns: TableProps<RecordValue>['columns'] = [
    {
      key: 'id',
      title: '#',
      dataIndex: 'id',
      width: 72,
      sorter: true,
      render: (id: number) => <Link to={`/app/forms/${detail.key}/${id}`}>{id}</Link>,
    },
    ...fields.map((f) => ({
      key: f.key,
      dataIndex: f.key,
      title: label(f.label),
      sorter: f.type !== 'multi_select',
      ellipsis: true,
      render: (v: unknown) => (f.type === 'user' || f.type === 'relation' ? <FieldValue def={f} value={v} /> : formatValue(f, v, { t, fmt, label })),
    })),
  ];
  const onTable: TableProps<RecordValue>['onChange'] = (p, _f, s) => {
    const one = Array.isArray(s) ? s[0] : s;
    setSort(one?.order && one.columnKey ? `${one.order === 'descend' ? '-' : ''}${String(one.columnKey)}` : '-id');
    setPage(p.current ?? 1);
    setPerPage(p.pageSize ?? 20);
  };

  return (
    <div className="page">
      <div className="page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {label(detail.title)}
        </Typography.Title>
        <Space wrap>
          {can(perm, 'import') && <ImportButton form={detail.key} onDone={() => setRound((r) => r + 1)} />}
          {can(perm, 'export') && (
            <Button icon={<DownloadOutlined />} onClick={() => exportRows()} data-testid="export-all">
              {t('ws.export')}
            </Button>
          )}
          {can(perm, 'create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/app/forms/${detail.key}/new`)} data-testid="new-record">
              {t('ws.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card size="small" className="ws-filters">
        <Space direction="vertical" style={{ width: '100%' }}>
          {conds.map((c, i) => (
            <Space key={i} wrap>
              <Select
                aria-label={t('ws.field')}
                style={{ minWidth: 160 }}
                value={c.field || undefined}
                placeholder={t('ws.field')}
                options={fields.map((f) => ({ value: f.key, label: label(f.label) }))}
                onChange={(v) => setConds(conds.map((x, j) => (j === i ? { ...x, field: v } : x)))}
              />
              <Select
                aria-label={t('ws.operator')}
                style={{ width: 110 }}
                value={c.op}
                options={['==', '!=', '>', '>=', '<', '<=', 'contains'].map((o) => ({ value: o, label: o === 'contains' ? t('ws.contains') : o }))}
                onChange={(v) => setConds(conds.map((x, j) => (j === i ? { ...x, op: v } : x)))}
              />
              <Input
                aria-label={t('ws.value')}
                placeholder={t('ws.value')}
                value={c.value}
                onChange={(e) => setConds(conds.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                onPressEnter={apply}
              />
              <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => setConds(conds.filter((_, j) => j !== i))} />
            </Space>
          ))}
          <Space wrap style={{ width: '100%' }}>
            <Button icon={<PlusOutlined />} onClick={() => setConds([...conds, { field: '', op: '==', value: '' }])}>
              {t('ws.addCondition')}
            </Button>
            <Input
              className="ws-expr"
              aria-label={t('ws.expression')}
              placeholder={t('ws.expressionHint')}
              value={expr}
              onChange={(e) => setExpr(e.target.value)}
              onPressEnter={apply}
              style={{ width: 360, fontFamily: 'monospace' }}
            />
            <Button type="primary" icon={<FilterOutlined />} onClick={apply}>
              {t('ws.apply')}
            </Button>
            <Button icon={<SaveOutlined />} onClick={saveView}>
              {t('ws.saveView')}
            </Button>
            {views.length > 0 && (
              <Select
                aria-label={t('ws.views')}
                placeholder={t('ws.views')}
                style={{ minWidth: 140 }}
                options={views.map((v) => ({ value: v.name, label: v.name }))}
                onChange={useView}
              />
            )}
          </Space>
        </Space>
      </Card>
      {failure ? <ErrorAlert error={failure} style={{ margin: '12px 0' }} /> : null}
      {selected.length > 0 && (
        <Space className="ws-bulk" style={{ margin: '12px 0' }}>
          <span>{t('ws.selected', { n: selected.length })}</span>
          {can(perm, 'export') && (
            <Button size="small" icon={<DownloadOutlined />} onClick={() => exportRows(selected)}>
              {t('ws.exportSelected')}
            </Button>
          )}
          {can(perm, 'delete') && (
            <Button size="small" danger icon={<DeleteOutlined />} onClick={removeSelected}>
              {t('ws.deleteSelected')}
            </Button>
          )}
        </Space>
      )}
      <Table<RecordValue>
        rowKey={(r) => Number(r.id)}
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        onChange={onTable}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)) }}
        pagination={{ current: page, pageSize: perPage, total, showSizeChanger: true, showTotal: (n) => t('ws.total', { n }) }}
        onRow={(r) => ({ onDoubleClick: () => navigate(`/app/forms/${detail.key}/${String(r.id)}`) })}
        data-testid="record-table"
      />
    </div>
  );
}

interface ImportProblem {
  path: string;
  message: string;
  line?: number;
}

/** Import from CSV or XLSX: a dry run first, the row-by-row report, then the import. */
function ImportButton({ form, onDone }: { form: string; onDone(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (dry: boolean) => {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    const body = new FormData();
    body.append('file', file);
    try {
      const r = await api.post<{ created?: number; rows?: number }>(`/api/v1/forms/${form}/records/import${dry ? '?dry_run=true' : ''}`, body);
      setProblems([]);
      if (!dry) {
        message.success(t('ws.imported', { n: r.created ?? r.rows ?? 0 }));
        setFile(null);
        onDone();
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) setProblems(e.details as ImportProblem[]);
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Upload
        accept=".csv,.xlsx"
        showUploadList={false}
        beforeUpload={(f) => {
          setFile(f);
          setProblems(null);
          setFailure(null);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />}>{t('ws.import')}</Button>
      </Upload>
      <Modal
        open={!!file}
        title={t('ws.importTitle', { name: file?.name ?? '' })}
        onCancel={() => setFile(null)}
        footer={[
          <Button key="check" onClick={() => send(true)} loading={busy}>
            {t('ws.importCheck')}
          </Button>,
          <Button key="go" type="primary" onClick={() => send(false)} loading={busy} disabled={!!problems?.length}>
            {t('ws.importGo')}
          </Button>,
        ]}
      >
        {failure ? <ErrorAlert error={failure} /> : null}
        {problems && problems.length === 0 && <Alert type="success" showIcon title={t('ws.importClean')} />}
        {problems && problems.length > 0 && (
          <Table
            size="small"
            rowKey={(p) => `${p.path}-${p.message}`}
            dataSource={problems}
            pagination={{ pageSize: 8 }}
            columns={[
              { title: t('ws.line'), dataIndex: 'line', width: 64 },
              { title: t('ws.where'), dataIndex: 'path', width: 140 },
              { title: t('ws.problem'), dataIndex: 'message' },
            ]}
          />
        )}
      </Modal>
    </>
  );
}
