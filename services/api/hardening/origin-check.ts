import type { FastifyInstance } from 'fastify';
import { sendError } from '../api-errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request must come from the API's own origin: a page elsewhere can
 * make a signed-in browser POST here (the cookie goes along), and the Origin header is what
 * says so. Browsers send Origin on every cross-origin POST/PUT/PATCH/DELETE; a request with
 * no Origin (curl, a device, a test client) is not a browser carrying someone's cookie
 * across sites, unless Sec-Fetch-Site says it is.
 */
export function checkOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    if (SAFE_METHODS.has(req.method)) return;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined) {
      if (site === 'cross-site') return sendError(reply, { code: 'OC_API_FOREIGN_ORIGIN', field: 'headers.sec-fetch-site', message: 'cross-site requests may not change anything' });
      return;
    }
    if (!sameOrigin(origin, req.headers.host, req.headers['x-forwarded-host'])) {
      return sendError(reply, { code: 'OC_API_FOREIGN_ORIGIN', field: 'headers.origin', message: `requests from ${origin.slice(0, 200)} may not change anything here` });
    }
  });
}

/** The Origin's host must be the Host the request came to (or the proxy's forwarded one). */
function sameOrigin(origin: string, host: string | undefined, forwardedHost: string | string[] | undefined): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
  const forwarded = Array.isArray(forwardedHost) ? forwardedHost[0] : forwardedHost?.split(',')[0]?.trim();
  return originHost === host || (forwarded !== undefined && originHost === forwarded);
}
