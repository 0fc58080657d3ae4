import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isReportCategory } from '../../alerting/domain/reports/catalogue.ts';
import { SYSTEM } from '../../alerting/domain/tickets/ops.ts';
import type { ApiContext } from '../api-context.ts';
import { API_ERRORS, errorSchema } from '../api-errors.ts';
import { actorOf } from '../auth/request-auth.ts';
import { callPage, placeFromInput } from '../reports/call-page.ts';
import { SECURITY_HEADERS } from '../reports/html.ts';
import { langOf, type TEXT } from '../reports/page-text.ts';
import { formParts, UnreadableFormError } from '../reports/form-parts.ts';
import { cleanPhoto, sniffPhotoType } from '../reports/photo-clean.ts';
import { PlaceLimiter } from '../reports/place-limiter.ts';
import { errorPage, reportForm, sentPage, trackingPage, unknownPlacePage, type FormState } from '../reports/resident-pages.ts';
import type { ReportSetup } from '../reports/setup.ts';

type PageCode = keyof typeof TEXT & keyof typeof API_ERRORS;

class PageError extends Error {
  constructor(
    readonly code: PageCode,
    /** The sentence to show, when it says more than the code's own. */
    readonly words?: keyof typeof TEXT,
  ) {
    super(code);
  }
}

const PHONE = /^[0-9+() -]{3,20}$/;
const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;
const ACTION_ID = /^[A-Za-z0-9._:-]{8,100}$/;
const FIELD_MAX = 2000;

const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(body);
/** These routes answer HTML pages, errors included (in the reader's language); the document lists every status they may give. */
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const hidden = {
  tags: ['resident reports'],
  response: {
    200: htmlPage('the page'),
    // `type: 'null'`: a redirect has no body, so the document lists no media type for it.
    302: { type: 'null', description: 'redirect to the page (short link, or the ticket after logging a call)' },
    303: { type: 'null', description: 'redirect to the ticket on the board, after logging a call' },
    400: htmlPage('the form is incomplete: what to fix, in the reader\'s language'),
    401: htmlPage('not signed in (desk pages, photos)'),
    403: htmlPage('not a desk role'),
    404: htmlPage('unknown place, tracking link or photo'),
    409: htmlPage('not rateable yet, or already rated; or a log-a-call form sent again with other contents'),
    413: htmlPage('photos too large or too many'),
    415: htmlPage('a photo is not JPEG, PNG or WebP'),
    // The router refuses a path parameter longer than it allows before any route runs, in the API's JSON shape.
    414: { ...errorSchema, description: 'a path parameter is longer than the server accepts' },
    429: htmlPage('too many reports from this address or for this place'),
  },
};

/**
 * The public side: the resident's report page at /report/<placeId>, the tracking page and
 * the rating. No account and no script; rate limits per IP and per place; multipart with
 * limits on count and size; photos checked by content and stripped of metadata; errors as
 * a page in the reader's language with the API's status for the code. Nothing is stored
 * unless everything in the report is good.
 */
export async function residentReportRoutes(app: FastifyInstance, ctx: ApiContext, r: ReportSetup): Promise<void> {
  await app.register(async (pub) => {
    const placeById = new Map(r.places.map((p) => [p.id, p]));
    const places = new PlaceLimiter(ctx.clock, r.limits.perPlacePerHour);
    await pub.register(rateLimit, {
      global: false,
      errorResponseBuilder: () => Object.assign(new PageError('OC_REPORT_RATE_LIMITED'), { statusCode: 429 }),
    });
    await pub.register(multipart, {
      limits: { files: r.limits.maxPhotos, fileSize: r.limits.maxPhotoBytes, fields: 10, fieldSize: FIELD_MAX * 4, parts: r.limits.maxPhotos + 10, headerPairs: 100 },
    });
    const perIp = { rateLimit: { max: r.limits.perIpPerMinute, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => req.ip } };

    pub.setErrorHandler((error: FastifyError, req, reply) => {
      const lang = langOf((req.query as { lang?: string } | undefined)?.lang);
      const code: PageCode =
        error instanceof PageError ? error.code
        : error.statusCode === 429 ? 'OC_REPORT_RATE_LIMITED'
        : error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.statusCode === 413 ? 'OC_REPORT_PHOTO_TOO_LARGE'
        : error.statusCode && error.statusCode < 500 ? 'OC_REPORT_INVALID'
        : 'OC_API_INTERNAL';
      if (code === 'OC_API_INTERNAL') req.log.error({ err: error, url: req.routeOptions.url }, 'public report request failed');
      // A 4xx of the parser (no boundary, a broken form) is a form we cannot read, not a missing field.
      const words = error instanceof PageError ? error.words : code === 'OC_REPORT_INVALID' ? 'notAForm' : undefined;
      return html(reply, API_ERRORS[code], errorPage(code, lang, words));
    });

    // A short link for small QR codes: /r/b1-u1 → /report/b1-u1.
    pub.get<{ Params: { placeId: string } }>('/r/:placeId', { config: { access: 'public' }, schema: { ...hidden, summary: 'Short link of a place (the QR code) redirecting to its report page' } }, async (req, reply) =>
      reply.redirect(`/report/${encodeURIComponent(req.params.placeId)}`, 302),
    );

    pub.get<{ Params: { placeId: string }; Querystring: { lang?: string } }>(
      '/report/:placeId',
      { config: { access: 'public' }, schema: { ...hidden, summary: "A place's report page for residents' phones (HTML; Chinese, ?lang=en for English); 404 page for an unknown place" } },
      async (req, reply) => {
        const lang = langOf(req.query.lang);
        const place = placeById.get(req.params.placeId);
        if (!place) return html(reply, 404, unknownPlacePage(req.params.placeId, lang));
        return html(reply, 200, reportForm(place, lang, r.retentionDays));
      },
    );

    pub.post<{ Params: { placeId: string }; Querystring: { lang?: string } }>(
      '/report/:placeId',
      {
        config: { access: 'public', ...perIp },
        bodyLimit: r.limits.maxPhotos * r.limits.maxPhotoBytes + 64 * 1024,
        schema: {
          ...hidden,
          summary: 'Send a report (multipart/form-data: category, description, up to 3 photos, optional phone); answers an HTML page with the tracking link, shown once',
          consumes: ['multipart/form-data'],
        },
      },
      async (req, reply) => {
        const lang = langOf(req.query.lang);
        const place = placeById.get(req.params.placeId);
        if (!place) return html(reply, 404, unknownPlacePage(req.params.placeId, lang));
        if (!req.isMultipart()) throw new PageError('OC_REPORT_INVALID', 'notAForm');
        const fields: Record<string, string> = {};
        const photos: Buffer[] = [];
        for await (const part of formParts(req)) {
          if (part.type === 'file') {
            const bytes = await part.toBuffer();
            // An empty file input still sends a part: no photo chosen.
            if (bytes.length === 0 && part.filename === '') continue;
            const clean = cleanPhoto(bytes);
            if (!clean.ok) throw new PageError('OC_REPORT_PHOTO_INVALID');
            photos.push(clean.bytes);
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
        const state: FormState = { category: fields.category, description: fields.description, phone: fields.phone };
        const description = (fields.description ?? '').trim();
        const phone = (fields.phone ?? '').trim();
        const refuse = (error: PageCode, words?: keyof typeof TEXT) => html(reply, API_ERRORS[error], reportForm(place, lang, r.retentionDays, { ...state, error, words }));
        if (!isReportCategory(fields.category) || description.length === 0) return refuse('OC_REPORT_INVALID');
        if (description.length > FIELD_MAX) return refuse('OC_REPORT_INVALID', 'tooLong');
        if (phone !== '' && !PHONE.test(phone)) return refuse('OC_REPORT_INVALID', 'badPhone');
        if (!places.take(place.id)) return refuse('OC_REPORT_RATE_LIMITED');
        const done = await r.intake.submit({ source: 'resident', category: fields.category, place, description, phone: phone || undefined, photos, actor: SYSTEM });
        req.log.info({ reportId: done.reportId, ticketId: done.ticketId, placeId: place.id, merged: done.merged, photos: photos.length }, 'resident report received');
        return html(reply, 201, sentPage(lang, `/track/${done.token!}`, done.merged));
      },
    );

    const tracked = (token: string) => (TOKEN.test(token) ? r.intake.track(token) : undefined);

    pub.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
      '/track/:token',
      { config: { access: 'public' }, schema: { ...hidden, summary: "A reporter's tracking page (HTML): the ticket's state in plain words, and the rating form once resolved" } },
      async (req, reply) => {
        const lang = langOf(req.query.lang);
        const t = tracked(req.params.token);
        if (!t) return html(reply, 404, errorPage('OC_REPORT_TRACKING_NOT_FOUND', lang));
        return html(reply, 200, trackingPage(req.params.token, t, placeById.get(t.report.placeId), lang));
      },
    );

    pub.get<{ Params: { token: string; photoId: string } }>(
      '/track/:token/photos/:photoId',
      { config: { access: 'public' }, schema: { ...hidden, summary: "One of the reporter's own photos, through their tracking link" } },
      async (req, reply) => {
        const t = tracked(req.params.token);
        const bytes = t && t.report.photoIds.includes(req.params.photoId) ? await r.intake.photos.get(req.params.photoId) : undefined;
        if (!bytes) return html(reply, 404, errorPage('OC_REPORT_TRACKING_NOT_FOUND', 'zh'));
        return reply.headers(SECURITY_HEADERS).type(sniffPhotoType(bytes) ?? 'application/octet-stream').send(bytes);
      },
    );

    pub.post<{ Params: { token: string }; Querystring: { lang?: string } }>(
      '/track/:token/rating',
      { config: { access: 'public', ...perIp }, bodyLimit: 64 * 1024, schema: { ...hidden, summary: 'Rate the resolved ticket 1–5 with an optional comment (multipart/form-data: stars, comment); 1–2 reopens it', consumes: ['multipart/form-data'] } },
      async (req, reply) => {
        const lang = langOf(req.query.lang);
        const t = tracked(req.params.token);
        if (!t) return html(reply, 404, errorPage('OC_REPORT_TRACKING_NOT_FOUND', lang));
        if (!req.isMultipart()) throw new PageError('OC_REPORT_INVALID', 'notAForm');
        const fields: Record<string, string> = {};
        for await (const part of formParts(req)) {
          if (part.type === 'file') throw new PageError('OC_REPORT_INVALID', 'badStars');
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        }
        const stars = Number(fields.stars);
        const comment = (fields.comment ?? '').trim();
        if (!Number.isInteger(stars) || stars < 1 || stars > 5 || comment.length > FIELD_MAX) throw new PageError('OC_REPORT_INVALID', 'badStars');
        const outcome = r.intake.rate(req.params.token, stars, comment || undefined);
        if (!outcome.ok) return html(reply, API_ERRORS[outcome.code], errorPage(outcome.code, lang));
        const after = r.intake.track(req.params.token)!;
        return html(reply, 200, trackingPage(req.params.token, after, placeById.get(after.report.placeId), lang, outcome.reopened ? 'reopened' : undefined));
      },
    );
  });
}

/**
 * The desk's "log a call" page (issue 16): the same intake as POST /api/tickets, as a plain form.
 * Server-rendered, so it needs no change to the board's bundle; opening the ticket redirects to
 * the ticket's page on the board, where the operator dispatches it.
 */
export async function deskCallPageRoutes(app: FastifyInstance, ctx: ApiContext, r: ReportSetup): Promise<void> {
  await app.register(async (desk) => {
    await desk.register(multipart, { limits: { files: 0, fields: 10, fieldSize: FIELD_MAX * 4 } });
    desk.get('/desk/log-call', { config: { access: 'desk' }, schema: { ...hidden, summary: "The desk's log-a-call form (HTML)" } }, async (_req, reply) => html(reply, 200, callPage(r.places, randomUUID())));
    desk.post('/desk/log-call', { config: { access: 'desk' }, schema: { ...hidden, summary: 'Log a call from the form (multipart/form-data: place, category, description, callerName, callerPhone); redirects to the ticket', consumes: ['multipart/form-data'] } }, async (req, reply) => {
      const fields: Record<string, string> = {};
      try {
        for await (const part of formParts(req)) if (part.type === 'field' && typeof part.value === 'string') fields[part.fieldname] = part.value;
      } catch (error) {
        if (error instanceof UnreadableFormError) return html(reply, 400, callPage(r.places, randomUUID(), '表单无法读取 · The form could not be read'));
        throw error;
      }
      const place = placeFromInput(r.places, fields.place ?? '');
      const description = (fields.description ?? '').trim();
      const phone = (fields.callerPhone ?? '').trim();
      const problem = !place ? '没有这个地点 · No such place' : !isReportCategory(fields.category) ? '请选择类别 · Choose a category' : description === '' ? '请写描述 · Write a description' : phone !== '' && !PHONE.test(phone) ? '电话格式不对 · Not a phone number' : undefined;
      if (problem || !place || !isReportCategory(fields.category)) return html(reply, place ? 400 : 404, callPage(r.places, randomUUID(), problem, place));
      const actor = actorOf(req, ctx.roster);
      // The form's action id: a second send of the same form lands on the ticket the first opened.
      const { actionId = '', ...body } = fields;
      const keyed = ACTION_ID.test(actionId);
      const request = { action: 'log-call-form', actorId: actor.id, body };
      const seen = keyed ? ctx.actions.lookup(actionId, request) : { kind: 'new' as const };
      if (seen.kind === 'reused') return html(reply, 409, callPage(r.places, randomUUID(), '此表单已提交过，请在新表单中登记 · This form was already sent; log the call in this new one', place));
      if (seen.kind === 'repeat') return reply.redirect(`/#/ticket/${encodeURIComponent((seen.answer.body as { ticketId: string }).ticketId)}`, 303);
      const done = await r.intake.submit({ source: 'call', category: fields.category, place, description, callerName: fields.callerName?.trim() || undefined, phone: phone || undefined, photos: [], actor });
      if (keyed) ctx.actions.record(actionId, request, { status: 303, body: { ticketId: done.ticketId } });
      return reply.redirect(`/#/ticket/${encodeURIComponent(done.ticketId)}`, 303);
    });
  });
}
