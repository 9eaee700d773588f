import { useMemo, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Popconfirm, Select, Space, Tree, TreeSelect } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { TreeProps } from 'antd';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { accessApi, type AdminDepartment, type AdminUser } from './accessApi';
import { departmentTree, subtreeIds } from './departmentTree';

/** Departments as a tree: drag one onto another to move it, or pick one to
 * rename it, move it, set its head, add a department under it or delete it. */
export function DepartmentsTab({ departments, users, onChanged }: { departments: AdminDepartment[]; users: AdminUser[]; onChanged(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  // note: what the admin folded stays folded; everything else, new
  // departments too, is open, so one just added is in sight.
  const [folded, setFolded] = useState<Set<number>>(new Set());
  const tree = useMemo(() => departmentTree(departments), [departments]);
  const current = departments.find((d) => d.id === selected) ?? null;

  const run = async (p: Promise<unknown>, done: string) => {
    setError(null);
    try {
      await p;
      message.success(done);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const onDrop: TreeProps['onDrop'] = (info) => {
    const dragged = Number(info.dragNode.key);
    const target = departments.find((d) => d.id === Number(info.node.key));
    if (!target) return;
    const parent = info.dropToGap ? target.parent_id : target.id;
    void run(accessApi.updateDepartment(dragged, { parent_id: parent ?? null }), t('access.deptMoved'));
  };
  const addUnder = (parent: number | null) => {
    const name = parent ? t('access.newSubDepartment') : t('access.newDepartment');
    void run(
      accessApi.createDepartment({ name, parent_id: parent }).then((d) => setSelected(d.id)),
      t('access.deptAdded'),
    );
  };
  const forbidden = current ? subtreeIds(departments, current.id) : new Set<number>();
  const parentChoices = departmentTree(departments.filter((d) => !forbidden.has(d.id)));

  return (
    <div className="access-split">
      <Card
        size="small"
        title={t('access.departments')}
        extra={
          <Button size="small" icon={<PlusOutlined />} onClick={() => addUnder(null)}>
            {t('access.addRootDept')}
          </Button>
        }
      >
        {tree.length === 0 ? (
          <Empty description={t('access.noDepartments')} />
        ) : (
          <Tree
            draggable={{ icon: false }}
            blockNode
            treeData={tree}
            expandedKeys={departments.filter((d) => !folded.has(d.id)).map((d) => d.id)}
            onExpand={(keys) => setFolded(new Set(departments.map((d) => d.id).filter((id) => !keys.includes(id))))}
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected(keys.length ? Number(keys[0]) : null)}
            onDrop={onDrop}
          />
        )}
      </Card>
      <Card size="small" title={current ? current.name : t('access.pickDepartment')}>
        {error ? <ErrorAlert error={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} /> : null}
        {current ? (
          <Form
            name="department"
            key={`${current.id}-${current.name}-${current.parent_id}-${current.head_id}`}
            layout="vertical"
            initialValues={{ name: current.name, parent_id: current.parent_id ?? undefined, head_id: current.head_id ?? undefined }}
            onFinish={(v: { name: string; parent_id?: number; head_id?: number }) =>
              void run(
                accessApi.updateDepartment(current.id, { name: v.name, parent_id: v.parent_id ?? null, head_id: v.head_id ?? null }),
                t('access.deptSaved'),
              )
            }
          >
            <Form.Item name="name" label={t('access.name')} rules={[{ required: true, message: t('access.nameNeeded') }]}>
              <Input aria-label={t('access.deptName')} />
            </Form.Item>
            <Form.Item name="parent_id" label={t('access.parent')}>
              <TreeSelect allowClear treeDefaultExpandAll treeData={parentChoices} placeholder={t('access.topLevel')} />
            </Form.Item>
            <Form.Item name="head_id" label={t('access.head')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={users.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
              />
            </Form.Item>
            <div className="muted" style={{ marginBottom: 12 }}>
              {t('access.memberCount', { n: current.member_ids.length })}
            </div>
            <Space wrap>
              <Button type="primary" htmlType="submit">
                {t('access.save')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => addUnder(current.id)}>
                {t('access.addChildDept')}
              </Button>
              <Popconfirm
                title={t('access.deleteDeptConfirm', { name: current.name })}
                onConfirm={() => void run(accessApi.deleteDepartment(current.id).then(() => setSelected(null)), t('access.deptDeleted'))}
              >
                <Button danger icon={<DeleteOutlined />}>
                  {t('access.delete')}
                </Button>
              </Popconfirm>
            </Space>
          </Form>
        ) : (
          <div className="muted">{t('access.deptHelp')}</div>
        )}
      </Card>
    </div>
  );
}
