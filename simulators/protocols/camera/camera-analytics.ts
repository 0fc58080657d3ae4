import { ANALYTICS_CONFIG_TOKEN, VIDEO_SOURCE_CONFIG_TOKEN, VIDEO_SOURCE_TOKEN } from './device-responses.ts';
import { CAMERA_TOPICS, type CameraNotification, type CameraTopicName, type SimpleItem } from './notifications.ts';

/** What a test or a behaviour model can make the simulated camera see. */
export type CameraIncident =
  | { type: 'motion'; zone?: string; confidence?: number; topic?: 'cellMotion' | 'motionAlarm' }
  | { type: 'tamper.cover'; confidence?: number; topic?: 'tooDark' | 'tooBright' | 'sceneChange' | 'tamper' }
  | { type: 'tamper.blur'; confidence?: number; topic?: 'tooBlurry' }
  | { type: 'video.loss' }
  | { type: 'video.restored' };

interface Property {
  topic: string;
  source: SimpleItem[];
  stateItem: string;
  state: boolean;
}

/** How each topic names its source and its boolean state item (ONVIF core 9 / analytics service spec). */
function propertyShape(topic: CameraTopicName, zone: string): { source: SimpleItem[]; stateItem: string } {
  const ruleSource = (rule: string): SimpleItem[] => [
    { name: 'VideoSourceConfigurationToken', value: VIDEO_SOURCE_CONFIG_TOKEN },
    { name: 'VideoAnalyticsConfigurationToken', value: ANALYTICS_CONFIG_TOKEN },
    { name: 'Rule', value: rule },
  ];
  switch (topic) {
    case 'cellMotion':
      return { source: ruleSource(zone), stateItem: 'IsMotion' };
    case 'tamper':
      return { source: ruleSource('TamperDetector'), stateItem: 'IsTamper' };
    default:
      return { source: [{ name: 'Source', value: VIDEO_SOURCE_TOKEN }], stateItem: 'State' };
  }
}

/**
 * The camera's analytics as ONVIF property events. Motion and tamper are reported
 * as a pulse (state true, then false at once): the behaviour model says *that* it
 * happened, not how long, and a pulse lets every occurrence be seen as a change.
 * Video loss is a held state until restored. New subscribers get every property's
 * current state as `Initialized`, as the spec requires.
 */
export class CameraAnalytics {
  private readonly properties = new Map<string, Property>();

  constructor() {
    // Known from power-on, so a subscriber always learns whether there is video.
    this.property('signalLoss', '');
  }

  get videoLost(): boolean {
    return this.properties.get(this.keyOf('signalLoss', ''))!.state;
  }

  /** Notifications for an incident at device time `atMs`; state is updated as the camera would. */
  incident(incident: CameraIncident, atMs: number): CameraNotification[] {
    switch (incident.type) {
      case 'motion': {
        const zone = incident.zone ?? 'scene';
        return this.pulse(incident.topic ?? 'cellMotion', zone, atMs, incident.confidence);
      }
      case 'tamper.cover':
        return this.pulse(incident.topic ?? 'tooDark', 'scene', atMs, incident.confidence);
      case 'tamper.blur':
        return this.pulse(incident.topic ?? 'tooBlurry', 'scene', atMs, incident.confidence);
      case 'video.loss':
        return this.set('signalLoss', '', true, atMs);
      case 'video.restored':
        return this.set('signalLoss', '', false, atMs);
    }
  }

  /** `Initialized` messages with every property's current state, for a new subscription. */
  initialState(atMs: number): CameraNotification[] {
    return [...this.properties.values()].map((p) => this.message(p, 'Initialized', atMs));
  }

  private pulse(topic: CameraTopicName, zone: string, atMs: number, confidence?: number): CameraNotification[] {
    return [...this.set(topic, zone, true, atMs, confidence), ...this.set(topic, zone, false, atMs)];
  }

  private set(topic: CameraTopicName, zone: string, state: boolean, atMs: number, confidence?: number): CameraNotification[] {
    const property = this.property(topic, zone);
    if (property.state === state) return []; // a property event reports changes only
    property.state = state;
    const message = this.message(property, 'Changed', atMs);
    // Not in the ONVIF topic description: a vendor extension item the driver reads when present.
    if (confidence !== undefined) message.data.push({ name: 'Confidence', value: Math.round(confidence * 100) / 100 });
    return [message];
  }

  private message(p: Property, operation: 'Initialized' | 'Changed', atMs: number): CameraNotification {
    return { topic: p.topic, utcTimeMs: atMs, operation, source: p.source, data: [{ name: p.stateItem, value: p.state }] };
  }

  private property(topic: CameraTopicName, zone: string): Property {
    const key = this.keyOf(topic, zone);
    let property = this.properties.get(key);
    if (!property) {
      property = { topic: CAMERA_TOPICS[topic], ...propertyShape(topic, zone), state: false };
      this.properties.set(key, property);
    }
    return property;
  }

  private keyOf(topic: CameraTopicName, zone: string): string {
    return topic === 'cellMotion' ? `${topic}/${zone}` : topic;
  }
}
