import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../services/shared/clock.ts';
import { OnvifCameraSimulator } from '../../../../../simulators/protocols/camera/onvif-camera-simulator.ts';
import { PASSWORD_DIGEST_TYPE, passwordDigest } from '../../../../../simulators/protocols/camera/ws-security.ts';
import { decodePng } from '../../../../support/png-decoder.ts';

const T0 = Date.parse('2026-07-15T12:00:00Z');
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });
let sim: OnvifCameraSimulator;

afterEach(async () => {
  await sim?.close();
});

async function start(clock = new ManualClock(T0), options: { minSubscriptionMs?: number } = {}): Promise<{ sim: OnvifCameraSimulator; clock: ManualClock }> {
  sim = new OnvifCameraSimulator({ username: 'admin', password: 'right', clock, ...options });
  await sim.listen(0);
  return { sim, clock };
}

function security(password: string, createdMs: number, nonce = randomBytes(16).toString('base64')): string {
  const created = new Date(createdMs).toISOString();
  return (
    `<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>admin</Username>` +
    `<Password Type="${PASSWORD_DIGEST_TYPE}">${passwordDigest(nonce, created, password)}</Password><Nonce>${nonce}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created></UsernameToken></Security>`
  );
}

const envelope = (body: string, header = '') =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  body: Record<string, unknown>;
}

/** A POST on a fresh connection each time (agent: false), so a camera restart cannot leave a pooled dead socket. */
function rawPost(path: string, xml: string): Promise<{ status: number; contentType: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sim.port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/soap+xml; charset=utf-8' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(xml);
  });
}

async function post(path: string, xml: string): Promise<Answer> {
  const { status, contentType, text } = await rawPost(path, xml);
  let body: Record<string, unknown> = {};
  try {
    body = (parser.parse(text) as { Envelope?: { Body?: Record<string, unknown> } }).Envelope?.Body ?? {};
  } catch {
    // not XML: the test looks at `text`
  }
  return { status, contentType, text, body };
}

/** An authenticated call with a fresh token stamped by the device clock. */
const call = (operation: string, path = '/onvif/device_service', createdMs = T0) => post(path, envelope(operation, security('right', createdMs)));

function faultOf(a: Answer): { code: unknown; subcode: unknown } {
  const fault = a.body.Fault as { Code: { Value: string; Subcode: { Value: string } } };
  return { code: fault?.Code?.Value, subcode: fault?.Code?.Subcode?.Value };
}

describe('ONVIF camera simulator over HTTP', () => {
  it('answers an unknown operation with a SOAP 1.2 fault env:Sender / ter:ActionNotSupported', async () => {
    await start();
    const a = await call('<GetHostname xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    expect(a.status).toBe(400);
    expect(a.contentType).toMatch(/^application\/soap\+xml/);
    expect(faultOf(a)).toEqual({ code: 'env:Sender', subcode: 'ter:ActionNotSupported' });
    expect(a.text).toContain('xmlns:env="http://www.w3.org/2003/05/soap-envelope"');
  });

  it('tells the time without credentials, and nothing else', async () => {
    await start();
    const time = await post('/onvif/device_service', envelope('<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    const utc = (time.body.GetSystemDateAndTimeResponse as { SystemDateAndTime: { UTCDateTime: { Time: Record<string, string>; Date: Record<string, string> } } }).SystemDateAndTime.UTCDateTime;
    expect([utc.Date.Year, utc.Date.Month, utc.Date.Day, utc.Time.Hour, utc.Time.Minute]).toEqual(['2026', '7', '15', '12', '0']);
    const info = await post('/onvif/device_service', envelope('<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    expect(faultOf(info)).toEqual({ code: 'env:Sender', subcode: 'ter:NotAuthorized' });
  });

  it('checks the UsernameToken: password, freshness of Created, replayed nonces', async () => {
    await start();
    const op = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
    const good = envelope(op, security('right', T0));
    expect((await post('/onvif/device_service', good)).body.GetDeviceInformationResponse).toMatchObject({ Manufacturer: 'OpenCompound' });
    expect(faultOf(await post('/onvif/device_service', good)).subcode).toBe('ter:NotAuthorized'); // the same token again
    expect(faultOf(await post('/onvif/device_service', envelope(op, security('wrong', T0)))).subcode).toBe('ter:NotAuthorized');
    expect(faultOf(await post('/onvif/device_service', envelope(op, security('right', T0 - 10 * 60_000)))).subcode).toBe('ter:NotAuthorized');
    expect(sim.stats().authFailures).toBe(3);
    sim.setCredentials('admin', 'changed');
    expect(faultOf(await call(op)).subcode).toBe('ter:NotAuthorized');
  });

  it('refuses XML that is not well-formed', async () => {
    await start();
    const a = await post('/onvif/device_service', '<s:Envelope><s:Body><GetProfiles></s:Body>');
    expect(faultOf(a)).toEqual({ code: 'env:Sender', subcode: 'ter:WellFormed' });
  });

  it('lists services and profiles, and serves a decodable PNG snapshot at the URI it gives', async () => {
    await start();
    const services = (await call('<GetServices xmlns="http://www.onvif.org/ver10/device/wsdl"><IncludeCapability>false</IncludeCapability></GetServices>')).body
      .GetServicesResponse as { Service: Array<{ Namespace: string; XAddr: string }> };
    expect(services.Service.map((s) => s.Namespace)).toEqual([
      'http://www.onvif.org/ver10/device/wsdl',
      'http://www.onvif.org/ver10/media/wsdl',
      'http://www.onvif.org/ver10/events/wsdl',
    ]);
    expect(services.Service[1]!.XAddr).toBe(`http://127.0.0.1:${sim.port}/onvif/media_service`);
    const profiles = (await call('<GetProfiles xmlns="http://www.onvif.org/ver10/media/wsdl"/>', '/onvif/media_service')).body.GetProfilesResponse as { Profiles: Array<Record<string, string>> };
    const token = profiles.Profiles[0]!['@_token']!;
    const snap = await call(`<GetSnapshotUri xmlns="http://www.onvif.org/ver10/media/wsdl"><ProfileToken>${token}</ProfileToken></GetSnapshotUri>`, '/onvif/media_service');
    const uri = (snap.body.GetSnapshotUriResponse as { MediaUri: { Uri: string } }).MediaUri.Uri;
    const res = await fetch(uri);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    expect([png.width, png.height]).toEqual([160, 90]);

    const unknown = await call('<GetSnapshotUri xmlns="http://www.onvif.org/ver10/media/wsdl"><ProfileToken>nope</ProfileToken></GetSnapshotUri>');
    expect(faultOf(unknown).subcode).toBe('ter:NoProfile');
  });

  it('long-polls PullMessages: the initial state at once, then waits until an event or the timeout', async () => {
    await start();
    const created = await call('<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"><InitialTerminationTime>PT2M</InitialTerminationTime></CreatePullPointSubscription>', '/onvif/event_service');
    const address = (created.body.CreatePullPointSubscriptionResponse as { SubscriptionReference: { Address: string } }).SubscriptionReference.Address;
    const path = new URL(address).pathname;
    const pull = (timeout: string) =>
      call(`<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>${timeout}</Timeout><MessageLimit>10</MessageLimit></PullMessages>`, path);
    const topics = (a: Answer): string[] => {
      const list = (a.body.PullMessagesResponse as { NotificationMessage?: unknown }).NotificationMessage;
      const arr = (Array.isArray(list) ? list : list ? [list] : []) as Array<{ Topic: { '#text': string } }>;
      return arr.map((m) => m.Topic['#text']);
    };

    expect(topics(await pull('PT1M'))).toEqual(['tns1:VideoSource/SignalLoss']); // Initialized
    expect(topics(await pull('PT0.2S'))).toEqual([]);

    const pulling = new Promise<void>((resolve) => sim.once('pulling', resolve));
    const waiting = pull('PT1M');
    await pulling;
    sim.raise({ type: 'tamper.cover', topic: 'tamper' });
    const answer = await waiting;
    expect(topics(answer)).toEqual(['tns1:RuleEngine/TamperDetector/Tamper', 'tns1:RuleEngine/TamperDetector/Tamper']);
    expect(answer.text).toContain('Name="IsTamper" Value="true"');

    const renewed = await call('<Renew xmlns="http://docs.oasis-open.org/wsn/b-2"><TerminationTime>PT5M</TerminationTime></Renew>', path);
    expect((renewed.body.RenewResponse as { TerminationTime: string }).TerminationTime).toBe(new Date(T0 + 5 * 60_000).toISOString());
    expect((await call('<Unsubscribe xmlns="http://docs.oasis-open.org/wsn/b-2"/>', path)).status).toBe(200);
    expect(faultOf(await pull('PT1S')).subcode).toBe('ter:ResourceUnknown');
  });

  it('grants at least minSubscriptionMs of device time, and tells when the subscriber has pulled everything raised', async () => {
    const { clock } = await start(new ManualClock(T0), { minSubscriptionMs: 3_600_000 });
    const created = await call('<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"><InitialTerminationTime>PT2M</InitialTerminationTime></CreatePullPointSubscription>', '/onvif/event_service');
    const response = created.body.CreatePullPointSubscriptionResponse as { SubscriptionReference: { Address: string }; TerminationTime: string };
    expect(response.TerminationTime).toBe(new Date(T0 + 3_600_000).toISOString());
    const path = new URL(response.SubscriptionReference.Address).pathname;
    const pull = () => call('<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>PT1M</Timeout><MessageLimit>10</MessageLimit></PullMessages>', path, clock.now());

    // Subscribed, the Initialized state not pulled yet: not through.
    let through = false;
    const first = sim.whenPulledThrough().then(() => (through = true));
    await pull();
    expect(through).toBe(false);
    // An hour of device time later (a long poll at simulation speed) the pull point is still there.
    clock.advance(3_000_000);
    const waiting = pull();
    await first; // the subscriber came back for more: it has what was raised so far
    sim.raise({ type: 'video.loss' });
    const second = sim.whenPulledThrough();
    expect((await waiting).text).toContain('Name="State" Value="true"');
    const next = pull();
    await second;
    await sim.close(); // ends the waiting pull; a closed camera counts as pulled through
    await expect(next).rejects.toThrow();
    await sim.whenPulledThrough();
  });

  it('misbehaves on request: garbage, cut-off XML, dropped connections; a restart forgets subscriptions', async () => {
    await start();
    const op = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
    sim.misbehave('garbage');
    const garbage = await call(op);
    expect([garbage.status, garbage.body]).toEqual([200, {}]); // nothing a SOAP parser finds a Body in
    sim.misbehave('malformed-xml');
    const cut = await call(op);
    expect(cut.text.startsWith('<?xml')).toBe(true);
    expect(cut.text).not.toContain('</env:Envelope>');
    sim.misbehave('drop');
    await expect(call(op)).rejects.toThrow();
    sim.misbehave(null);

    const created = await call('<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"/>', '/onvif/event_service');
    const path = new URL((created.body.CreatePullPointSubscriptionResponse as { SubscriptionReference: { Address: string } }).SubscriptionReference.Address).pathname;
    const port = sim.port;
    await sim.restart();
    expect(sim.port).toBe(port);
    expect(faultOf(await call('<Renew xmlns="http://docs.oasis-open.org/wsn/b-2"><TerminationTime>PT1M</TerminationTime></Renew>', path)).subcode).toBe('ter:ResourceUnknown');
  });
});
