// Who is signed in. The token lives in sessionStorage (per tab); the user is
// read back from /auth/me when the app starts.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionExpired, session } from '../api/client';
import type { User } from '../api/types';

type Status = 'loading' | 'signedIn' | 'signedOut';

export interface Auth {
  status: Status;
  user: User | null;
  /** Set when the server ended the session (expired, revoked). */
  expired: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<Status>(session.token() ? 'loading' : 'signedOut');
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    if (!session.token()) return;
    let live = true;
    api
      .get<User>('/api/v1/auth/me')
      .then((u) => {
        if (!live) return;
        setUser(u);
        setStatus('signedIn');
      })
      .catch(() => {
        if (!live) return;
        session.clear();
        setStatus('signedOut');
      });
    return () => {
      live = false;
    };
  }, []);

  useEffect(
    () =>
      onSessionExpired(() => {
        setUser(null);
        setExpired(true);
        setStatus('signedOut');
      }),
    [],
  );

  const login = useCallback(async (email: string, password: string) => {
    const r = await api.post<{ token: string; user: User }>('/api/v1/auth/login', { email, password }, { anonymous: true });
    session.set(r.token);
    setUser(r.user);
    setExpired(false);
    setStatus('signedIn');
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      // note: the session ends on this side whatever the server says.
    }
    session.clear();
    setUser(null);
    setStatus('signedOut');
  }, []);

  const value = useMemo(() => ({ status, user, expired, login, logout }), [status, user, expired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
