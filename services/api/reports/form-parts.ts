import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

/** A multipart body the parser cannot read: a client error (400), not a server failure. */
export class UnreadableFormError extends Error {
  readonly statusCode = 400;
  readonly code = 'OC_FORM_UNREADABLE';
}

/**
 * The parts of a multipart/form-data body. Busboy throws plain errors (no status) for a
 * body it cannot read — `multipart/form-data` without a boundary, a malformed part header,
 * a body that ends mid-part — which would otherwise surface as 500s (schemathesis found the
 * first); they are turned into UnreadableFormError here. Errors that carry a status (limits,
 * wrong content type) pass as they are.
 */
export async function* formParts(req: FastifyRequest): AsyncGenerator<Multipart> {
  try {
    for await (const part of req.parts()) yield part;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== undefined) throw error;
    throw new UnreadableFormError(`the form could not be read: ${(error as Error).message}`);
  }
}
