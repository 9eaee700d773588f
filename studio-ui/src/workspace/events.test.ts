import { describe, expect, it } from 'vitest';
import { parseEvents } from './events';

describe('parseEvents', () => {
  it('reads whole events and keeps a partial one for later', () => {
    const { events, rest } = parseEvents('id: 7\nevent: notification\ndata: {"id":7}\n\n: ping\n\nevent: unread\ndata: {"unread":2}\n\nevent: unr');
    expect(events).toEqual([
      { event: 'notification', data: '{"id":7}', id: '7' },
      { event: 'unread', data: '{"unread":2}' },
    ]);
    expect(rest).toBe('event: unr');
  });
});
