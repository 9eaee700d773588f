// The live stream of the user's notices (GET /api/v1/me/events), read with
// fetch so the bearer token goes in a header as on every other call. The
// server ends each stream after a while; we reconnect from the last notice.

import { session } from '../api/client';
import type { Notice } from './api';

export interface StreamHandlers {
  unread(n: number): void;
  notice(n: Notice): void;
}

/** One server-sent event: its name, data and id. */
export interface SSEvent {
  event: string;
  data: string;
  id?: string;
}

/** Splits buffered stream text into whole events and what is left over. */
export function parseEvents(buffer: string): { events: SSEvent[]; rest: string } {
  const events: SSEvent[] = [];
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const ev: SSEvent = { event: 'message', data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') ev.event = value;
      else if (field === 'data') ev.data = ev.data ? `${ev.data}\n${value}` : value;
      else if (field === 'id') ev.id = value;
    }
    if (ev.data) events.push(ev);
  }
  return { events, rest };
}

/** Follows the stream until stop() is called; returns stop. */
export function followEvents(h: StreamHandlers): () => void {
  let stopped = false;
  let after: string | undefined;
  let ctrl: AbortController | null = null;
  const run = async () => {
    while (!stopped) {
      const token = session.token();
      if (!token) return;
      ctrl = new AbortController();
      try {
        const url = `/api/v1/me/events${after ? `?after=${after}` : ''}`;
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: ctrl.signal });
        if (res.status === 401) return;
        if (!res.ok || !res.body) throw new Error(String(res.status));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { events, rest } = parseEvents(buf + value);
          buf = rest;
          for (const ev of events) {
            if (ev.id) after = ev.id;
            try {
              const data = JSON.parse(ev.data);
              if (ev.event === 'unread') h.unread(data.unread);
              else if (ev.event === 'notification') h.notice(data as Notice);
            } catch {
              // note: a line we cannot read is skipped, not fatal.
            }
          }
        }
      } catch {
        if (stopped) return;
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  };
  void run();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}
