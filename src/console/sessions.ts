import { randomBytes } from 'node:crypto';

/**
 * Signed-in browsers, in memory: the cookie holds only a random session id;
 * the bearer token it maps to stays on the server, so no page script and no
 * browser storage ever holds it. A worker restart signs everyone out, which
 * is the price of keeping tokens out of PostgreSQL and out of the browser.
 */
export interface Session {
  readonly id: string;
  /** The bearer token pasted at sign-in: checked again on every request, never logged. */
  readonly token: string;
  /** The form token every POST of this session carries. */
  readonly csrf: string;
  lastSeen: number;
}

const ID_BYTES = 32;

function randomId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs: number,
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(token: string): Session {
    this.sweep();
    // Over the cap the least recently used session goes (a Map iterates in insertion order; get() re-inserts).
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const session: Session = { id: randomId(), token, csrf: randomId(), lastSeen: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const session = this.sessions.get(id);
    if (session === undefined) return null;
    if (this.now() - session.lastSeen > this.idleMs) {
      this.sessions.delete(id);
      return null;
    }
    session.lastSeen = this.now();
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now - s.lastSeen > this.idleMs) this.sessions.delete(id);
  }
}

export { randomId };
