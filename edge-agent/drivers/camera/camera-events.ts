import type { OnvifNotification } from './camera-notification.ts';

/** What an ONVIF topic means for the platform. */
export type TopicMeaning = { kind: 'motion'; zoneFromRule: boolean } | { kind: 'tamper'; mode: 'cover' | 'blur' } | { kind: 'video-loss' };

/**
 * Topics (prefix-free) the driver acts on. The tamper family says what the image
 * looks like; the platform knows two tamper modes: `blur` (sprayed or defocused)
 * and `cover` (anything that takes the view away: covered, dark, blinded, turned).
 * ImageTooBlurry/Dark/Bright and GlobalSceneChange come with a suffix naming the
 * service that detected it (AnalyticsService, ImagingService, RecordingService).
 */
export function topicMeaning(topic: string): TopicMeaning | undefined {
  const [root, name] = topic.split('/');
  if (topic === 'VideoSource/MotionAlarm') return { kind: 'motion', zoneFromRule: false };
  if (topic === 'RuleEngine/CellMotionDetector/Motion') return { kind: 'motion', zoneFromRule: true };
  if (topic === 'RuleEngine/TamperDetector/Tamper') return { kind: 'tamper', mode: 'cover' };
  if (topic === 'VideoSource/SignalLoss') return { kind: 'video-loss' };
  if (root === 'VideoSource' && name === 'ImageTooBlurry') return { kind: 'tamper', mode: 'blur' };
  if (root === 'VideoSource' && (name === 'ImageTooDark' || name === 'ImageTooBright' || name === 'GlobalSceneChange')) {
    return { kind: 'tamper', mode: 'cover' };
  }
  return undefined;
}

/** Names the boolean state item goes by in the topics above; the first boolean is the fallback. */
const STATE_ITEMS = ['State', 'IsMotion', 'IsTamper'];

export function stateOf(n: OnvifNotification): boolean | undefined {
  for (const name of STATE_ITEMS) if (typeof n.data[name] === 'boolean') return n.data[name] as boolean;
  return Object.values(n.data).find((v): v is boolean => typeof v === 'boolean');
}

/** An envelope event the driver should emit, at device time. */
export interface CameraEvent {
  type: 'motion' | 'tamper.cover' | 'tamper.blur' | 'video.loss' | 'video.restored';
  data: Record<string, unknown>;
  deviceTimeMs: number;
}

export interface CameraEventTrackerOptions {
  /** Zone for motion topics that name no rule. */
  motionZone: string;
}

/**
 * Turns ONVIF property events into platform events. Property events report
 * state, and a new subscription repeats every state as `Initialized`; so the
 * tracker remembers each property instance (topic + source) across reconnects
 * and reports only a change to `true` (and, for video, back to `false`). A
 * camera that was covered while the agent was away is reported once when the
 * agent learns of it; one still covered after a reconnect is not reported again.
 */
export class CameraEventTracker {
  private readonly states = new Map<string, boolean>();
  private readonly videoLostAt = new Map<string, number>();

  constructor(private readonly options: CameraEventTrackerOptions) {}

  /** `fallbackTimeMs`: device time to use when the message has no UtcTime (the pull's CurrentTime). */
  observe(n: OnvifNotification, snapshotUri: string, fallbackTimeMs: number): CameraEvent[] {
    const meaning = topicMeaning(n.topic);
    if (!meaning) return [];
    const key = `${n.topic}|${Object.entries(n.source).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',')}`;
    if (n.operation === 'Deleted') {
      this.states.delete(key);
      return [];
    }
    const state = stateOf(n);
    if (state === undefined) return [];
    const before = this.states.get(key);
    this.states.set(key, state);
    const at = n.utcTimeMs ?? fallbackTimeMs;
    const confidence = typeof n.data.Confidence === 'number' && n.data.Confidence >= 0 && n.data.Confidence <= 1 ? n.data.Confidence : 1;

    switch (meaning.kind) {
      case 'motion': {
        if (!state || before === true) return [];
        const zone = (meaning.zoneFromRule ? n.source.Rule : undefined) ?? this.options.motionZone;
        return [{ type: 'motion', data: { zone, confidence, snapshotUri }, deviceTimeMs: at }];
      }
      case 'tamper':
        if (!state || before === true) return [];
        return [{ type: `tamper.${meaning.mode}`, data: { zone: 'scene', confidence, snapshotUri }, deviceTimeMs: at }];
      case 'video-loss':
        if (state && before !== true) {
          this.videoLostAt.set(key, at);
          return [{ type: 'video.loss', data: { reason: 'signal-lost', snapshotUri }, deviceTimeMs: at }];
        }
        if (!state && before === true) {
          const lostAt = this.videoLostAt.get(key) ?? at;
          this.videoLostAt.delete(key);
          return [{ type: 'video.restored', data: { downSeconds: Math.max(0, (at - lostAt) / 1000), snapshotUri }, deviceTimeMs: at }];
        }
        return [];
    }
  }
}
