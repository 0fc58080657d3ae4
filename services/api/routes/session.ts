import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorSchema, sendError } from '../api-errors.ts';
import { hashPassword, verifyPassword } from '../auth/password-hash.ts';
import { SESSION_COOKIE, type AuthSetup } from '../auth/request-auth.ts';
import { APP_ROLES } from '../auth/roles.ts';

const SignInBody = Type.Object(
  { login: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const UserSchema = Type.Object({
  login: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  role: Type.Union(APP_ROLES.map((r) => Type.Literal(r))),
  staffId: Type.String(),
});
const UserReply = Type.Object({ user: UserSchema });

export interface SessionRoutesOptions extends AuthSetup {
  /** Streams of a session that signs out are closed at once. */
  onSignOut(sessionId: string): void;
}

/** Sign in, who am I, sign out. */
export function sessionRoutes(app: FastifyInstance, auth: SessionRoutesOptions): void {
  // An unknown login is checked against this, so it costs as long as a wrong password and looks the same.
  const decoy = hashPassword('not a password anyone has');
  const cookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: auth.secureCookie } as const;

  app.post<{ Body: Static<typeof SignInBody> }>(
    '/api/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets the HttpOnly cookie oc_session',
        body: SignInBody,
        response: { 200: UserReply, 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (req, reply) => {
      const login = req.body.login.trim().toLowerCase();
      // Per login AND source address together: failing five times from elsewhere must not lock the desk out.
      const throttleKey = `${login} ${req.ip}`;
      const waitMs = auth.throttle.waitMs(throttleKey);
      if (waitMs > 0) {
        const retryAfterS = Math.ceil(waitMs / 1000);
        return sendError(reply, { code: 'OC_API_SIGN_IN_THROTTLED', message: `too many failed sign-ins for ${login}; try again in ${retryAfterS} s`, retryAfterS });
      }
      const entry = auth.users.find(login);
      const ok = await verifyPassword(req.body.password, entry?.passwordHash ?? (await decoy));
      if (!ok || !entry) {
        auth.throttle.failed(throttleKey);
        return sendError(reply, { code: 'OC_API_BAD_CREDENTIALS', message: 'wrong login or password' });
      }
      auth.throttle.succeeded(throttleKey);
      if (req.sessionId) auth.sessions.end(req.sessionId);
      const { token } = auth.sessions.create(login);
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(auth.sessions.policy.maxAgeMs / 1000) });
      return { user: entry.user };
    },
  );

  app.get(
    '/api/session',
    { schema: { tags: ['session'], summary: 'The signed-in user', response: { 200: UserReply } } },
    async (req) => ({ user: req.user! }),
  );

  app.delete(
    '/api/session',
    {
      // Public, so an expired or already-forgotten cookie can still be cleared.
      config: { access: 'public' },
      schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      if (req.sessionId) {
        auth.sessions.end(req.sessionId);
        auth.onSignOut(req.sessionId);
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send();
    },
  );
}
