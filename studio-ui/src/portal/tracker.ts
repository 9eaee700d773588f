// How a tracked record reads as a parcel tracker: which steps are done,
// which one it is at, and what to call it in one word.

import type { Lang } from '../i18n';
import type { Stage, Text } from './api';

export type StepStatus = 'finish' | 'process' | 'wait';

/** The status of each stage for antd Steps: reached stages are finished,
 * the last reached is the current one unless it is the final stage, the
 * rest wait. A stage reached out of order (paid before signed) still shows
 * as finished. */
export function stepStatuses(stages: Stage[], current: number): StepStatus[] {
  return stages.map((s, i) => {
    if (i === current && i < stages.length - 1) return 'process';
    return s.reached ? 'finish' : 'wait';
  });
}

/** The stage to show as where the record stands, or null before the first. */
export function currentStage(stages: Stage[], current: number): Stage | null {
  return current >= 0 && current < stages.length ? stages[current] : null;
}

/** A bilingual text in the reader's language, falling back to the other. */
export function local(text: Text | undefined, lang: Lang): string {
  if (!text) return '';
  return (lang === 'zh' ? text.zh || text.en : text.en || text.zh) ?? '';
}

/** Progress through the stages, 0–100, for a compact bar on the list. */
export function progress(stages: Stage[], current: number): number {
  if (stages.length === 0 || current < 0) return 0;
  return Math.round(((current + 1) / stages.length) * 100);
}
