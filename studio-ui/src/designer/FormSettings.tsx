import { Button, Card, Divider, Empty, Form, Input, Select, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Problem } from '../api/types';
import { useI18n } from '../i18n';
import type { Action, DesignerState } from './designerState';
import { ExpressionInput } from './ExpressionInput';

interface Props {
  state: DesignerState;
  dispatch(a: Action): void;
  /** Problems of the form itself ("/title") and of each rule, by rule uid. */
  formProblems: Problem[];
  ruleProblems: Record<string, Problem[]>;
}

/** What belongs to the form as a whole: its title, description and the
 * rules a record must satisfy across fields. */
export function FormSettings({ state, dispatch, formProblems, ruleProblems }: Props) {
  const { t, label } = useI18n();
  const at = (path: string) => formProblems.filter((p) => p.path === path);
  const names = state.fields.map((f) => ({ key: f.def.key, label: f.def.label }));
  const msg = (ps: Problem[]) => (ps.length ? ps.map((p) => p.message).join('; ') : undefined);
  return (
    <div className="properties" data-testid="form-settings">
      <Typography.Text strong className="properties-head">
        {t('designer.formSettings')}
      </Typography.Text>
      <Form layout="vertical" component="div">
        <Form.Item label={t('prop.formTitle')} htmlFor="form-title" validateStatus={at('/title').length ? 'error' : undefined} help={msg(at('/title'))}>
          <Input id="form-title" value={state.title} maxLength={200} onChange={(e) => dispatch({ type: 'form', patch: { title: e.target.value } })} />
        </Form.Item>
        <Form.Item label={t('prop.formKey')} extra={t('designer.formKeyHint')}>
          <Input className="mono" value={state.key} disabled />
        </Form.Item>
        <Form.Item label={t('prop.description')} htmlFor="form-description">
          <Input.TextArea
            id="form-description"
            value={state.description}
            autoSize={{ minRows: 2, maxRows: 6 }}
            onChange={(e) => dispatch({ type: 'form', patch: { description: e.target.value } })}
          />
        </Form.Item>
      </Form>
      {formProblems
        .filter((p) => p.path !== '/title')
        .map((p, i) => (
          <div key={i} className="field-error">
            {p.path && <code>{p.path}</code>} {p.message}
          </div>
        ))}
      <Divider titlePlacement="start" plain>
        {t('rules.title')}
      </Divider>
      <Typography.Paragraph type="secondary" className="small">
        {t('rules.hint')}
      </Typography.Paragraph>
      {state.rules.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rules.none')} />}
      {state.rules.map((r, i) => {
        const ps = ruleProblems[r.uid] ?? [];
        const of = (k: string) => ps.filter((p) => p.path === `/${k}`);
        return (
          <Card
            key={r.uid}
            size="small"
            className="rule-card"
            title={t('rules.n', { n: i + 1 })}
            extra={
              <Button
                type="text"
                danger
                size="small"
                icon={<DeleteOutlined />}
                aria-label={t('rules.remove')}
                onClick={() => dispatch({ type: 'removeRule', uid: r.uid })}
              />
            }
          >
            <Form layout="vertical" component="div" size="small">
              <Form.Item label={t('rules.expr')} extra={t('rules.exprHint')}>
                <ExpressionInput
                  aria-label={t('rules.expr')}
                  value={r.expr}
                  onChange={(v) => dispatch({ type: 'updateRule', uid: r.uid, patch: { expr: v } })}
                  problems={of('expr')}
                  names={names}
                  placeholder="delivery_date == nil || delivery_date >= order_date"
                />
              </Form.Item>
              <Form.Item label={t('rules.message')} validateStatus={of('message').length ? 'error' : undefined} help={msg(of('message'))}>
                <Input
                  aria-label={t('rules.message')}
                  value={r.message}
                  onChange={(e) => dispatch({ type: 'updateRule', uid: r.uid, patch: { message: e.target.value } })}
                />
              </Form.Item>
              <Form.Item label={t('rules.field')} validateStatus={of('field').length ? 'error' : undefined} help={msg(of('field'))}>
                <Select
                  allowClear
                  value={r.field}
                  placeholder={t('rules.wholeRecord')}
                  onChange={(v) => dispatch({ type: 'updateRule', uid: r.uid, patch: { field: v ?? undefined } })}
                  options={state.fields.map((f) => ({ value: f.def.key, label: `${label(f.def.label)} (${f.def.key})` }))}
                />
              </Form.Item>
              <Form.Item label={t('rules.key')} validateStatus={of('key').length ? 'error' : undefined} help={msg(of('key'))}>
                <Input className="mono" value={r.key} onChange={(e) => dispatch({ type: 'updateRule', uid: r.uid, patch: { key: e.target.value } })} />
              </Form.Item>
              {ps
                .filter((p) => !['/expr', '/message', '/field', '/key'].includes(p.path))
                .map((p, k) => (
                  <div key={k} className="field-error">
                    {p.message}
                  </div>
                ))}
            </Form>
          </Card>
        );
      })}
      <Button type="dashed" block icon={<PlusOutlined />} onClick={() => dispatch({ type: 'addRule' })}>
        {t('rules.add')}
      </Button>
    </div>
  );
}
