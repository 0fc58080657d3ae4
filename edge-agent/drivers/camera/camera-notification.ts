/**
 * ONVIF notification messages as the driver reasons about them, read from what
 * the onvif package hands over. The package parses with xml2js, strips namespace
 * prefixes from element names, lower-cases their first letter, unwraps one-element
 * arrays, and turns attribute values into booleans, numbers and Dates where they
 * look like one; the topic text keeps its prefix (tns1:…). This file undoes that.
 */

export type ItemValue = string | number | boolean;

export interface OnvifNotification {
  /** The topic path without namespace prefixes, e.g. `VideoSource/MotionAlarm`. */
  topic: string;
  /** The message's UtcTime (device clock), when it carries a readable one. */
  utcTimeMs: number | undefined;
  /** Initialized, Changed or Deleted for property events. */
  operation: string | undefined;
  source: Record<string, string>;
  data: Record<string, ItemValue>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date);

/** A time the package may have turned into a Date, or left as text (zones other than Z). */
export function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** `tns1:RuleEngine/CellMotionDetector/Motion` → `RuleEngine/CellMotionDetector/Motion`. */
export function topicPath(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((segment) => segment.slice(segment.indexOf(':') + 1))
    .join('/');
}

function itemsOf(container: unknown): Record<string, ItemValue> {
  const out: Record<string, ItemValue> = {};
  if (!isObject(container)) return out;
  const raw = container.simpleItem;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const item of list) {
    const attrs = isObject(item) && isObject(item.$) ? item.$ : undefined;
    if (!attrs || attrs.Name === undefined) continue;
    const value = attrs.Value;
    out[String(attrs.Name)] =
      value instanceof Date ? value.toISOString() : typeof value === 'number' || typeof value === 'boolean' ? value : String(value ?? '');
  }
  return out;
}

/** One notification message from `pullMessages`; undefined when it has no topic to act on. */
export function readNotification(raw: unknown): OnvifNotification | undefined {
  if (!isObject(raw)) return undefined;
  const topicNode = raw.topic;
  const topicText = typeof topicNode === 'string' ? topicNode : isObject(topicNode) && typeof topicNode._ === 'string' ? topicNode._ : undefined;
  if (!topicText) return undefined;
  // wsnt:Message wraps tt:Message, so the package gives message.message.
  const outer = isObject(raw.message) ? raw.message : undefined;
  const inner = outer && isObject(outer.message) ? outer.message : undefined;
  const attrs = inner && isObject(inner.$) ? inner.$ : {};
  const source = itemsOf(inner?.source);
  return {
    topic: topicPath(topicText),
    utcTimeMs: timeOf(attrs.UtcTime),
    operation: typeof attrs.PropertyOperation === 'string' ? attrs.PropertyOperation : undefined,
    source: Object.fromEntries(Object.entries(source).map(([k, v]) => [k, String(v)])),
    data: itemsOf(inner?.data),
  };
}

/** `notificationMessage` is absent, one object, or a list, depending on how many came. */
export function readNotifications(raw: unknown): unknown[] {
  if (raw === undefined || raw === null || raw === '') return [];
  return Array.isArray(raw) ? raw : [raw];
}
