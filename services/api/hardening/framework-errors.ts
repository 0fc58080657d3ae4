import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { API_ERRORS, sendError, type ApiErrorCode } from '../api-errors.ts';

/**
 * Fastify's router refuses some URLs before any route or hook runs (an invalid percent
 * escape, a path parameter longer than the router allows); this puts those answers through
 * the project's catalogue, so every answer has a stable code.
 */
export function frameworkErrors(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  return sendError(reply, { code: tooLong ? 'OC_API_URL_TOO_LONG' : 'OC_API_BAD_URL', field: 'url', message: error.message });
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a
 * malformed request line): answered in the catalogue's shape, written to the socket since
 * there is no request to reply to.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ApiErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'OC_API_HEADERS_TOO_LARGE' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'OC_API_REQUEST_TIMEOUT' : 'OC_API_BAD_REQUEST_LINE';
  const status = API_ERRORS[code];
  const message = code === 'OC_API_HEADERS_TOO_LARGE' ? 'request headers are larger than the server accepts' : code === 'OC_API_REQUEST_TIMEOUT' ? 'the request did not arrive in time' : 'the request could not be parsed as HTTP';
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
