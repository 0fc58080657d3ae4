import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A SOAP request as the simulator needs it: which operation, its arguments, and the caller's token. */
export interface SoapRequest {
  /** Local name of the first element in the Body, e.g. `GetProfiles`. */
  operation: string;
  /** That element, namespace prefixes removed; attributes under `@_name`, text under `#text`. */
  args: Record<string, unknown>;
  /** The WS-Security UsernameToken, when the Header carries one. */
  token: UsernameToken | undefined;
}

export interface UsernameToken {
  username: string;
  password: string;
  /** The Password element's Type attribute: …#PasswordDigest or …#PasswordText. */
  passwordType: string;
  nonce: string;
  created: string;
}

export type ParseResult = { ok: true; request: SoapRequest } | { ok: false; reason: string };

// Prefixes differ between clients (s:, soap:, env:), so they are dropped; attributes are kept for Password/@Type.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
});

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Text of an element that may be a plain string or an object with attributes. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (isObject(node) && typeof node['#text'] === 'string') return node['#text'];
  if (isObject(node) && Object.keys(node).every((k) => k.startsWith('@_'))) return '';
  return undefined;
}

export function parseSoapRequest(xml: string): ParseResult {
  // The parser is lenient; the validator catches what a strict device stack would refuse.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `${valid.err.code}: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const envelope = isObject(doc) ? doc.Envelope : undefined;
  if (!isObject(envelope)) return { ok: false, reason: 'no SOAP Envelope' };
  const body = envelope.Body;
  if (!isObject(body)) return { ok: false, reason: 'no SOAP Body' };
  const operation = Object.keys(body).find((k) => !k.startsWith('@_'));
  if (!operation) return { ok: false, reason: 'empty SOAP Body' };
  const rawArgs = body[operation];
  const args = isObject(rawArgs) ? rawArgs : {};
  return { ok: true, request: { operation, args, token: usernameToken(envelope.Header) } };
}

function usernameToken(header: unknown): UsernameToken | undefined {
  if (!isObject(header) || !isObject(header.Security)) return undefined;
  const token = header.Security.UsernameToken;
  if (!isObject(token)) return undefined;
  const password = token.Password;
  return {
    username: textOf(token.Username) ?? '',
    password: textOf(password) ?? '',
    passwordType: isObject(password) && typeof password['@_Type'] === 'string' ? password['@_Type'] : '',
    nonce: textOf(token.Nonce) ?? '',
    created: textOf(token.Created) ?? '',
  };
}

/**
 * xsd:duration as ONVIF uses it (PT60S, PT1M, PT0.5S, P1DT2H) in ms; undefined when it
 * is not one. Years and months are refused: their length depends on the calendar.
 */
export function parseXsdDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
}

/** A termination time: either a duration from now or an absolute xsd:dateTime. */
export function parseTerminationTime(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined || text === '') return undefined;
  const duration = parseXsdDuration(text);
  if (duration !== undefined) return nowMs + duration;
  const absolute = Date.parse(text);
  return Number.isNaN(absolute) ? undefined : absolute;
}
