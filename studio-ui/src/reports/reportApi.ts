// The report and dashboard API as the designers and the viewer call it.

import { api, ApiError, session } from '../api/client';
import type {
  Click,
  DashboardDefinition,
  DashboardRun,
  DashboardSummary,
  DashboardView,
  DrillView,
  ReportDefinition,
  ReportDescription,
  ReportSummary,
  Result,
  RunRequest,
  Selection,
} from './types';

const enc = encodeURIComponent;

export interface DashboardRequest {
  filters?: Record<string, unknown>;
  selection?: Selection;
}

export const reportApi = {
  reports: () => api.get<{ items: ReportSummary[] }>('/api/v1/reports').then((r) => r.items),
  report: (key: string) => api.get<ReportDescription>(`/api/v1/reports/${enc(key)}`),
  run: (key: string, req: RunRequest) => api.post<Result>(`/api/v1/reports/${enc(key)}/run`, req),
  drill: (key: string, req: RunRequest, click: Click, perPage = 50) =>
    api.post<DrillView>(`/api/v1/reports/${enc(key)}/drill`, { ...req, click, per_page: perPage }),
  preview: (definition: ReportDefinition, signal?: AbortSignal, asRole?: string) =>
    api.post<Result>('/api/v1/reports/preview', { definition, as_role: asRole || undefined }, { signal }),

  dashboards: () => api.get<{ items: DashboardSummary[] }>('/api/v1/dashboards').then((r) => r.items),
  dashboard: (key: string) => api.get<DashboardView>(`/api/v1/dashboards/${enc(key)}`),
  runDashboard: (key: string, req: DashboardRequest) => api.post<DashboardRun>(`/api/v1/dashboards/${enc(key)}/run`, req),
  previewDashboard: (definition: DashboardDefinition, req: DashboardRequest, asRole?: string) =>
    api.post<DashboardRun>('/api/v1/dashboards/preview', { ...req, definition, as_role: asRole || undefined }),
};

/** Posts body to url and saves the file the server streams back. */
export async function download(url: string, body: unknown, fallbackName: string): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) {
    const data = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, data?.error?.code ?? 'error', data?.error?.message ?? `the server answered ${res.status}`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
