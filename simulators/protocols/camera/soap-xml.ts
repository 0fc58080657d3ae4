/** Writing SOAP 1.2 messages the way ONVIF devices do: namespaces, envelopes, faults. */

export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wstop: 'http://docs.oasis-open.org/wsn/t-1',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  tns1: 'http://www.onvif.org/ver10/topics',
  ter: 'http://www.onvif.org/ver10/error',
} as const;

const NS_DECLARATIONS = Object.entries(NS)
  .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
  .join(' ');

export function escapeXml(text: string | number | boolean): string {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A whole SOAP 1.2 envelope around `body`; every prefix a response uses is declared once here. */
export function soapEnvelope(body: string, header = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ${NS_DECLARATIONS}><env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`;
}

/** The ONVIF faults the simulator raises: SOAP 1.2 code, ONVIF subcode, and HTTP status. */
export const FAULTS = {
  notAuthorized: { code: 'env:Sender', subcode: 'ter:NotAuthorized', http: 400, reason: 'Sender not Authorized' },
  actionNotSupported: { code: 'env:Sender', subcode: 'ter:ActionNotSupported', http: 400, reason: 'Optional Action Not Implemented' },
  wellFormed: { code: 'env:Sender', subcode: 'ter:WellFormed', http: 400, reason: 'XML Well-formed violation' },
  invalidArgs: { code: 'env:Sender', subcode: 'ter:InvalidArgVal', http: 400, reason: 'Argument Value Invalid' },
  noProfile: { code: 'env:Sender', subcode: 'ter:NoProfile', http: 400, reason: 'The requested profile token does not exist' },
  resourceUnknown: { code: 'env:Sender', subcode: 'ter:ResourceUnknown', http: 400, reason: 'The subscription does not exist or has expired' },
} as const;

export type FaultName = keyof typeof FAULTS;

/**
 * A SOAP 1.2 fault. Sender faults go out with HTTP 400, as the SOAP 1.2 HTTP
 * binding and ONVIF core (section 5.11) have it; the onvif client reads the body either way.
 */
export function soapFault(name: FaultName, detail?: string): { status: number; xml: string } {
  const f = FAULTS[name];
  const body =
    `<env:Fault><env:Code><env:Value>${f.code}</env:Value><env:Subcode><env:Value>${f.subcode}</env:Value></env:Subcode></env:Code>` +
    `<env:Reason><env:Text xml:lang="en">${escapeXml(f.reason)}</env:Text></env:Reason>` +
    (detail ? `<env:Detail><env:Text>${escapeXml(detail)}</env:Text></env:Detail>` : '') +
    `</env:Fault>`;
  return { status: f.http, xml: soapEnvelope(body) };
}

/** xsd:dateTime in UTC with milliseconds, the form the onvif client turns into a Date. */
export const xsdDateTime = (ms: number): string => new Date(ms).toISOString();
