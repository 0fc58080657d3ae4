import { escapeXml, xsdDateTime } from './soap-xml.ts';

/**
 * Bodies of the device and media service answers (ONVIF core and media 1.0), for one
 * camera with one video source and two profiles (main and sub stream). Pure: the
 * simulator passes the base URL it was reached on and its own clock reading.
 */

export interface CameraIdentity {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export const VIDEO_SOURCE_TOKEN = 'VideoSource_1';
export const VIDEO_SOURCE_CONFIG_TOKEN = 'VideoSourceConfig_1';
export const ANALYTICS_CONFIG_TOKEN = 'VideoAnalyticsConfig_1';

interface StreamProfile {
  token: string;
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
}

export const PROFILES: readonly StreamProfile[] = [
  { token: 'profile_main', name: 'MainStream', width: 1920, height: 1080, bitrateKbps: 4096 },
  { token: 'profile_sub', name: 'SubStream', width: 640, height: 360, bitrateKbps: 512 },
];

export const SERVICE_PATHS = {
  device: '/onvif/device_service',
  media: '/onvif/media_service',
  events: '/onvif/event_service',
  snapshot: '/onvif/snapshot',
  subscriptionPrefix: '/onvif/events/subscription/',
} as const;

const el = (name: string, value: string | number | boolean): string => `<${name}>${escapeXml(value)}</${name}>`;

function dateTimeXml(tag: string, ms: number): string {
  const d = new Date(ms);
  return (
    `<tt:${tag}><tt:Time>${el('tt:Hour', d.getUTCHours())}${el('tt:Minute', d.getUTCMinutes())}${el('tt:Second', d.getUTCSeconds())}</tt:Time>` +
    `<tt:Date>${el('tt:Year', d.getUTCFullYear())}${el('tt:Month', d.getUTCMonth() + 1)}${el('tt:Day', d.getUTCDate())}</tt:Date></tt:${tag}>`
  );
}

/** The camera runs on China Standard Time, like the reference site; UTC is what clients use. */
export function systemDateAndTime(nowMs: number): string {
  return (
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>` +
    `<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
    `<tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone>` +
    dateTimeXml('UTCDateTime', nowMs) +
    dateTimeXml('LocalDateTime', nowMs + 8 * 3600_000) +
    `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
  );
}

export function services(baseUrl: string): string {
  const service = (ns: string, path: string, minor: number) =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${escapeXml(baseUrl + path)}</tds:XAddr>` +
    `<tds:Version><tt:Major>2</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return (
    `<tds:GetServicesResponse>` +
    service('http://www.onvif.org/ver10/device/wsdl', SERVICE_PATHS.device, 60) +
    service('http://www.onvif.org/ver10/media/wsdl', SERVICE_PATHS.media, 60) +
    service('http://www.onvif.org/ver10/events/wsdl', SERVICE_PATHS.events, 60) +
    `</tds:GetServicesResponse>`
  );
}

/** The pre-GetServices way to find the services; older clients and the onvif fallback use it. */
export function capabilities(baseUrl: string): string {
  return (
    `<tds:GetCapabilitiesResponse><tds:Capabilities>` +
    `<tt:Device>${el('tt:XAddr', baseUrl + SERVICE_PATHS.device)}</tt:Device>` +
    `<tt:Events>${el('tt:XAddr', baseUrl + SERVICE_PATHS.events)}<tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>` +
    `<tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
    `<tt:Media>${el('tt:XAddr', baseUrl + SERVICE_PATHS.media)}<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>` +
    `<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>` +
    `</tds:Capabilities></tds:GetCapabilitiesResponse>`
  );
}

export function deviceInformation(id: CameraIdentity): string {
  return (
    `<tds:GetDeviceInformationResponse>` +
    el('tds:Manufacturer', id.manufacturer) +
    el('tds:Model', id.model) +
    el('tds:FirmwareVersion', id.firmwareVersion) +
    el('tds:SerialNumber', id.serialNumber) +
    el('tds:HardwareId', id.hardwareId) +
    `</tds:GetDeviceInformationResponse>`
  );
}

function profileXml(p: StreamProfile, index: number): string {
  return (
    `<trt:Profiles token="${p.token}" fixed="true">${el('tt:Name', p.name)}` +
    `<tt:VideoSourceConfiguration token="${VIDEO_SOURCE_CONFIG_TOKEN}">${el('tt:Name', VIDEO_SOURCE_CONFIG_TOKEN)}<tt:UseCount>${PROFILES.length}</tt:UseCount>` +
    `${el('tt:SourceToken', VIDEO_SOURCE_TOKEN)}<tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="VideoEncoderConfig_${index + 1}">${el('tt:Name', `VideoEncoderConfig_${index + 1}`)}<tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>H264</tt:Encoding><tt:Resolution>${el('tt:Width', p.width)}${el('tt:Height', p.height)}</tt:Resolution><tt:Quality>5</tt:Quality>` +
    `<tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval>${el('tt:BitrateLimit', p.bitrateKbps)}</tt:RateControl>` +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>` +
    `<tt:VideoAnalyticsConfiguration token="${ANALYTICS_CONFIG_TOKEN}">${el('tt:Name', ANALYTICS_CONFIG_TOKEN)}<tt:UseCount>${PROFILES.length}</tt:UseCount>` +
    `<tt:AnalyticsEngineConfiguration/><tt:RuleEngineConfiguration/></tt:VideoAnalyticsConfiguration>` +
    `</trt:Profiles>`
  );
}

export function profiles(): string {
  return `<trt:GetProfilesResponse>${PROFILES.map(profileXml).join('')}</trt:GetProfilesResponse>`;
}

export function videoSources(): string {
  return (
    `<trt:GetVideoSourcesResponse><trt:VideoSources token="${VIDEO_SOURCE_TOKEN}"><tt:Framerate>25</tt:Framerate>` +
    `<tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`
  );
}

export function snapshotUri(baseUrl: string, profileToken: string): string {
  const uri = `${baseUrl}${SERVICE_PATHS.snapshot}?profile=${encodeURIComponent(profileToken)}`;
  return (
    `<trt:GetSnapshotUriResponse><trt:MediaUri>${el('tt:Uri', uri)}` +
    `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>` +
    `</trt:MediaUri></trt:GetSnapshotUriResponse>`
  );
}

export function pullPointCreated(address: string, nowMs: number, terminationMs: number): string {
  return (
    `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>${el('wsa:Address', address)}</tev:SubscriptionReference>` +
    `${el('wsnt:CurrentTime', xsdDateTime(nowMs))}${el('wsnt:TerminationTime', xsdDateTime(terminationMs))}</tev:CreatePullPointSubscriptionResponse>`
  );
}

export function pulledMessages(nowMs: number, terminationMs: number, notificationMessagesXml: string): string {
  return (
    `<tev:PullMessagesResponse>${el('tev:CurrentTime', xsdDateTime(nowMs))}${el('tev:TerminationTime', xsdDateTime(terminationMs))}` +
    `${notificationMessagesXml}</tev:PullMessagesResponse>`
  );
}

export function renewed(nowMs: number, terminationMs: number): string {
  return `<wsnt:RenewResponse>${el('wsnt:TerminationTime', xsdDateTime(terminationMs))}${el('wsnt:CurrentTime', xsdDateTime(nowMs))}</wsnt:RenewResponse>`;
}

export const unsubscribed = (): string => `<wsnt:UnsubscribeResponse/>`;
