import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onSessionExpired, request, session, toApiError } from './client';
import { definitions } from './definitions';

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(body === undefined ? '' : JSON.stringify(body), { status, headers }));
}

afterEach(() => vi.unstubAllGlobals());

describe('request', () => {
  it('sends the session token and JSON', async () => {
    session.set('tok');
    const fetch = reply(200, { ok: true });
    vi.stubGlobal('fetch', fetch);
    await api.post('/api/v1/x', { a: 1 });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init.body).toBe('{"a":1}');
  });

  it('turns the API error shape into an ApiError with its details', async () => {
    vi.stubGlobal(
      'fetch',
      reply(422, { error: { code: 'validation_failed', message: 'see details', details: [{ path: '/items/0/qty', message: 'at least 1' }] } }),
    );
    const e = (await api.post('/api/v1/forms/order/records', {}).catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 422, code: 'validation_failed', message: 'see details' });
    expect(e.details[0].path).toBe('/items/0/qty');
  });

  it('ends the session on a 401 and tells who listens', async () => {
    session.set('old');
    const heard = vi.fn();
    const stop = onSessionExpired(heard);
    vi.stubGlobal('fetch', reply(401, { error: { code: 'unauthorized', message: 'sign in again', details: [] } }));
    await api.get('/api/v1/auth/me').catch(() => {});
    expect(session.token()).toBeNull();
    expect(heard).toHaveBeenCalledOnce();
    stop();
  });

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(request('GET', '/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('does not show the text of a body that is not the error shape', () => {
    expect(toApiError(502, undefined)).toMatchObject({ code: 'internal_error', message: 'the server answered 502' });
  });
});

describe('definitions', () => {
  it('saves a draft on the one it read, and reads the new tag', async () => {
    const fetch = reply(201, { kind: 'form', key: 'visit', title: 'Visit', valid: true, problems: [] }, { ETag: '"d-2"' });
    vi.stubGlobal('fetch', fetch);
    const r = await definitions.save({ kind: 'form', key: 'visit', title: 'Visit', fields: [] }, { tag: '"d-1"' });
    expect(r.tag).toBe('"d-2"');
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['If-Match']).toBe('"d-1"');
  });

  it('saves a first draft only if nobody made one meanwhile', async () => {
    const fetch = reply(201, { valid: true, problems: [] }, { ETag: '"d-1"' });
    vi.stubGlobal('fetch', fetch);
    await definitions.save({ kind: 'form', key: 'visit', title: 'Visit', fields: [] }, { none: true });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['If-None-Match']).toBe('*');
  });
});
