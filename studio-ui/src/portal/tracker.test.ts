import { describe, expect, it } from 'vitest';
import { currentStage, local, progress, stepStatuses } from './tracker';
import type { Stage } from './api';

const st = (key: string, reached: boolean): Stage => ({ key, title: { en: key, zh: `「${key}」` }, reached });

describe('the tracker', () => {
  const stages = [st('submitted', true), st('approved', true), st('signed', false), st('paid', false)];

  it('marks the reached stages finished and the last reached as current', () => {
    expect(stepStatuses(stages, 1)).toEqual(['finish', 'process', 'wait', 'wait']);
    expect(currentStage(stages, 1)?.key).toBe('approved');
    expect(progress(stages, 1)).toBe(50);
  });

  it('shows a stage reached out of order as finished, not skipped', () => {
    const odd = [st('submitted', true), st('approved', true), st('signed', false), st('paid', true)];
    expect(stepStatuses(odd, 3)).toEqual(['finish', 'finish', 'wait', 'finish']);
    expect(progress(odd, 3)).toBe(100);
  });

  it('has no current stage before the first', () => {
    expect(currentStage(stages, -1)).toBeNull();
    expect(progress(stages, -1)).toBe(0);
    expect(stepStatuses(stages.map((s) => ({ ...s, reached: false })), -1)).toEqual(['wait', 'wait', 'wait', 'wait']);
  });

  it('reads a title in the reader’s language, falling back to the other', () => {
    expect(local({ en: 'Paid', zh: '已付款' }, 'zh')).toBe('已付款');
    expect(local({ en: 'Paid', zh: '' }, 'zh')).toBe('Paid');
    expect(local(undefined, 'en')).toBe('');
  });
});
