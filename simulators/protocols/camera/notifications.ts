import { escapeXml, xsdDateTime } from './soap-xml.ts';

/**
 * The ONVIF event topics the simulated camera raises (ONVIF core 9 and the analytics
 * spec), written with the conventional tns1 prefix. Each is a property event: the
 * camera reports a state (`Initialized` on subscribe, then `Changed`), not a pulse.
 */
export const CAMERA_TOPICS = {
  motionAlarm: 'tns1:VideoSource/MotionAlarm',
  cellMotion: 'tns1:RuleEngine/CellMotionDetector/Motion',
  tooBlurry: 'tns1:VideoSource/ImageTooBlurry/AnalyticsService',
  tooDark: 'tns1:VideoSource/ImageTooDark/AnalyticsService',
  tooBright: 'tns1:VideoSource/ImageTooBright/AnalyticsService',
  sceneChange: 'tns1:VideoSource/GlobalSceneChange/AnalyticsService',
  tamper: 'tns1:RuleEngine/TamperDetector/Tamper',
  signalLoss: 'tns1:VideoSource/SignalLoss',
} as const;

export type CameraTopicName = keyof typeof CAMERA_TOPICS;

export type PropertyOperation = 'Initialized' | 'Changed' | 'Deleted';

export interface SimpleItem {
  name: string;
  value: string | number | boolean;
}

/** One tt:Message inside a wsnt:NotificationMessage. */
export interface CameraNotification {
  topic: string;
  utcTimeMs: number;
  operation: PropertyOperation;
  source: SimpleItem[];
  data: SimpleItem[];
}

const items = (list: SimpleItem[]): string =>
  list.map((i) => `<tt:SimpleItem Name="${escapeXml(i.name)}" Value="${escapeXml(i.value)}"/>`).join('');

/** The wsnt:NotificationMessage element for a notification, with the ConcreteSet topic dialect. */
export function notificationMessageXml(n: CameraNotification, subscriptionAddress: string): string {
  return (
    `<wsnt:NotificationMessage>` +
    `<wsnt:SubscriptionReference><wsa:Address>${escapeXml(subscriptionAddress)}</wsa:Address></wsnt:SubscriptionReference>` +
    `<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${escapeXml(n.topic)}</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${xsdDateTime(n.utcTimeMs)}" PropertyOperation="${n.operation}">` +
    `<tt:Source>${items(n.source)}</tt:Source>` +
    `<tt:Data>${items(n.data)}</tt:Data>` +
    `</tt:Message></wsnt:Message>` +
    `</wsnt:NotificationMessage>`
  );
}
