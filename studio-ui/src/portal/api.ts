// The portal's own API: a customer's token (from their link) in a header of
// its own, never the staff session, so a customer never touches the studio's
// endpoints and a staff session never leaks into the portal.

import { request } from '../api/client';
import type { FormDefinition } from '../api/types';

export interface Text {
  en: string;
  zh: string;
}

export interface Branding {
  name: Text;
  logo_url?: string;
  primary?: string;
  accent?: string;
}

export interface PortalHome {
  key: string;
  branding: Branding;
  customer: { id: number; name: string };
  tracked: { form: string; title: Text }[];
  service?: { form: FormDefinition; order_field?: string };
  expires: string;
}

export interface Stage {
  key: string;
  title: Text;
  reached: boolean;
  at?: string;
}

export interface Attachment {
  id: string;
  name: string;
  size: number;
  type: string;
}

export interface PortalRecord {
  form: string;
  id: number;
  number: string;
  created_at: string;
  fields: { key: string; label: string; type: string; value: unknown; text?: string }[];
  stages: Stage[];
  current: number;
  documents: { title: Text; form: string; file: Attachment }[];
}

export interface Ticket {
  id: number;
  title: string;
  status: string;
  status_key: string;
  created_at: string;
  updated_at: string;
  values: Record<string, unknown>;
}

export interface Signature {
  name: string;
  at: string;
  file_name: string;
  sha256: string;
  provider: string;
}

export interface SignPage {
  branding: Branding;
  form: string;
  record_id: number;
  title: string;
  address: string;
  expires: string;
  signed: boolean;
  documents: Attachment[];
  signatures: Signature[];
}

const tokenKey = 'mosaic.portal';

/** The customer's portal token, kept for the tab like the staff session. */
export const portalToken = {
  get: (): string => sessionStorage.getItem(tokenKey) ?? '',
  set: (t: string) => sessionStorage.setItem(tokenKey, t),
};

const call = <T>(method: string, url: string, body?: unknown) =>
  request<T>(method, url, { anonymous: true, body, headers: { 'X-Portal-Token': portalToken.get() } }).then((r) => r.data);

export const portalApi = {
  home: () => call<PortalHome>('GET', '/api/v1/portal/me'),
  records: () => call<{ items: PortalRecord[] }>('GET', '/api/v1/portal/records').then((r) => r.items),
  record: (form: string, id: string) =>
    call<PortalRecord>('GET', `/api/v1/portal/records/${encodeURIComponent(form)}/${encodeURIComponent(id)}`),
  tickets: () => call<{ items: Ticket[] }>('GET', '/api/v1/portal/tickets').then((r) => r.items),
  createTicket: (values: Record<string, unknown>) => call<Ticket>('POST', '/api/v1/portal/tickets', values),
  /** A download link: a browser following it cannot send headers. */
  fileURL: (id: string) => `/api/v1/portal/files/${encodeURIComponent(id)}?token=${encodeURIComponent(portalToken.get())}`,
  signPage: (tok: string) =>
    request<SignPage>('GET', `/api/v1/portal/sign/${encodeURIComponent(tok)}`, { anonymous: true }).then((r) => r.data),
  sign: (tok: string, body: { name: string; agree: boolean; file_id?: string }) =>
    request<Signature>('POST', `/api/v1/portal/sign/${encodeURIComponent(tok)}`, { anonymous: true, body }).then((r) => r.data),
  signFileURL: (tok: string, id: string, inline = false) =>
    `/api/v1/portal/sign/${encodeURIComponent(tok)}/files/${encodeURIComponent(id)}${inline ? '?inline=1' : ''}`,
};
