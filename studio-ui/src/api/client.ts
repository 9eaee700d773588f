// The one way the app talks to the server: JSON over fetch, the bearer token
// from the session, and every failure as an ApiError in the API's one error
// shape.

/** One problem in an error response, located by a JSON pointer. */
export interface ErrorDetail {
  path: string;
  code?: string;
  message: string;
  line?: number;
  column?: number;
}

/** An error the server (or the network) gave, in the API's one shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Whether someone else changed what the request was based on. */
  get isConflict(): boolean {
    return this.status === 409;
  }
}

const tokenKey = 'mosaic.token';

/** The session's bearer token; kept per tab, gone when the tab closes. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(tokenKey);
  },
  set(token: string): void {
    sessionStorage.setItem(tokenKey, token);
  },
  clear(): void {
    sessionStorage.removeItem(tokenKey);
  },
};

type Listener = () => void;
const expiredListeners = new Set<Listener>();

/** Calls fn when the server says the session is no longer valid. */
export function onSessionExpired(fn: Listener): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send no token and do not treat 401 as an expired session (login). */
  anonymous?: boolean;
}

export interface Response<T> {
  data: T;
  headers: Headers;
}

/** Sends one request; resolves with the decoded JSON, rejects with ApiError. */
export async function request<T>(method: string, url: string, opts: RequestOptions = {}): Promise<Response<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const token = session.token();
  if (token && !opts.anonymous) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: globalThis.Response;
  try {
    res = await fetch(url, { method, headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = toApiError(res.status, data);
    if (res.status === 401 && !opts.anonymous) {
      session.clear();
      expiredListeners.forEach((fn) => fn());
    }
    throw err;
  }
  return { data: data as T, headers: res.headers };
}

/** Reads the API's error shape; anything else becomes a generic error. */
export function toApiError(status: number, data: unknown): ApiError {
  const e = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    const details = Array.isArray(e.details) ? (e.details as ErrorDetail[]) : [];
    return new ApiError(status, e.code, e.message, details);
  }
  return new ApiError(status, status >= 500 ? 'internal_error' : 'error', `the server answered ${status}`);
}

export const api = {
  get: <T>(url: string, opts?: RequestOptions) => request<T>('GET', url, opts).then((r) => r.data),
  post: <T>(url: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', url, { ...opts, body }).then((r) => r.data),
  patch: <T>(url: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', url, { ...opts, body }).then((r) => r.data),
  delete: <T>(url: string, opts?: RequestOptions) => request<T>('DELETE', url, opts).then((r) => r.data),
};

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
