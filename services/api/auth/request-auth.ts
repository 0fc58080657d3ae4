import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Roster } from '../../alerting/domain/dispatch/types.ts';
import type { Actor } from '../../alerting/domain/tickets/types.ts';
import { sendError } from '../api-errors.ts';
import { mayReach, type Access } from './roles.ts';
import type { SessionStore } from './session-store.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { User, UserDirectory } from './users-file.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who reaches the route; /api routes default to `signed-in`, everything else (the pages) to `public`. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in user; null on public routes without a session. */
    user: User | null;
    /** The session id (hash of the cookie token), for sign-out and for closing its streams. */
    sessionId: string | null;
  }
}

export const SESSION_COOKIE = 'oc_session';

export interface AuthSetup {
  users: UserDirectory;
  sessions: SessionStore;
  throttle: SignInThrottle;
  /** Send the cookie only over HTTPS; on behind a TLS proxy, off for http://127.0.0.1. */
  secureCookie: boolean;
}

/**
 * Sign-in as a Fastify hook: every /api route needs a live session unless it says
 * `config: { access: 'public' }`, and the role must reach the route's access level.
 * Routes then read `req.user` (and `actorOf(req)` for the ticket domain).
 */
export async function installAuth(app: FastifyInstance, auth: AuthSetup): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access ?? (req.url.startsWith('/api/') ? 'signed-in' : 'public');
    const token = req.cookies[SESSION_COOKIE];
    const found = token ? auth.sessions.lookup(token) : ({ kind: 'unknown' } as const);
    const user = found.kind === 'active' ? auth.users.find(found.login)?.user : undefined;
    if (found.kind === 'active' && user) {
      req.user = user;
      req.sessionId = found.id;
    }
    if (access === 'public') return;
    if (!req.user) {
      if (found.kind === 'expired') return sendError(reply, { code: 'OC_API_SESSION_EXPIRED', message: 'the session has expired; sign in again' });
      // An active session whose login was removed from the users file reads as signed out.
      return sendError(reply, { code: 'OC_API_UNAUTHENTICATED', message: 'sign in first (POST /api/session)' });
    }
    if (!mayReach(req.user.role, access)) return forbidden(reply, `${req.method} ${req.routeOptions.url ?? req.url} is not for the ${req.user.role} role`);
  });
}

export const forbidden = (reply: FastifyReply, message: string): FastifyReply => sendError(reply, { code: 'OC_API_FORBIDDEN', message });

/**
 * The ticket domain's actor for the signed-in user: their roster id and roster
 * role (a supervisor signs in as an operator but is still a supervisor there).
 */
export function actorOf(req: FastifyRequest, roster: Roster): Extract<Actor, { kind: 'person' }> {
  const user = req.user;
  if (!user) throw new Error('actorOf on a request without a user: the route must not be public');
  const member = roster.staff.find((m) => m.id === user.staffId);
  // parseUsers checked the link; a roster that changed since would be caught at the next start.
  return { kind: 'person', id: user.staffId, role: member?.role ?? 'staff' };
}
