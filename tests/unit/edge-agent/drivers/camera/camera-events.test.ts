import { describe, expect, it } from 'vitest';
import { CameraEventTracker, stateOf, topicMeaning } from '../../../../../edge-agent/drivers/camera/camera-events.ts';
import type { OnvifNotification } from '../../../../../edge-agent/drivers/camera/camera-notification.ts';

const SNAP = 'http://cam/snap?profile=p';
const note = (topic: string, data: OnvifNotification['data'], over: Partial<OnvifNotification> = {}): OnvifNotification => ({
  topic,
  utcTimeMs: 1_000,
  operation: 'Changed',
  source: { Source: 'VideoSource_1' },
  data,
  ...over,
});
const tracker = () => new CameraEventTracker({ motionZone: 'view' });

describe('ONVIF topics → platform events', () => {
  it('maps the standard motion, tamper and video topics', () => {
    const table: Array<[string, ReturnType<typeof topicMeaning>]> = [
      ['VideoSource/MotionAlarm', { kind: 'motion', zoneFromRule: false }],
      ['RuleEngine/CellMotionDetector/Motion', { kind: 'motion', zoneFromRule: true }],
      ['VideoSource/ImageTooBlurry/AnalyticsService', { kind: 'tamper', mode: 'blur' }],
      ['VideoSource/ImageTooBlurry/ImagingService', { kind: 'tamper', mode: 'blur' }],
      ['VideoSource/ImageTooDark/AnalyticsService', { kind: 'tamper', mode: 'cover' }],
      ['VideoSource/ImageTooBright/RecordingService', { kind: 'tamper', mode: 'cover' }],
      ['VideoSource/GlobalSceneChange/AnalyticsService', { kind: 'tamper', mode: 'cover' }],
      ['RuleEngine/TamperDetector/Tamper', { kind: 'tamper', mode: 'cover' }],
      ['VideoSource/SignalLoss', { kind: 'video-loss' }],
      ['Device/Trigger/DigitalInput', undefined],
      ['RuleEngine/LineDetector/Crossed', undefined],
    ];
    for (const [topic, meaning] of table) expect(topicMeaning(topic), topic).toEqual(meaning);
  });

  it('reads the state from State, IsMotion or IsTamper, else the first boolean', () => {
    expect(stateOf(note('x', { IsMotion: true }))).toBe(true);
    expect(stateOf(note('x', { Level: 3, Other: false }))).toBe(false);
    expect(stateOf(note('x', { Level: 3 }))).toBeUndefined();
  });

  it('reports motion on each rise to true, with the rule as zone and the confidence when given', () => {
    const t = tracker();
    const motion = (state: boolean, extra: Record<string, number> = {}) =>
      t.observe(note('RuleEngine/CellMotionDetector/Motion', { IsMotion: state, ...extra }, { source: { Rule: 'gateway', VideoSourceConfigurationToken: 'v' } }), SNAP, 0);
    expect(motion(true, { Confidence: 0.7 })).toEqual([{ type: 'motion', data: { zone: 'gateway', confidence: 0.7, snapshotUri: SNAP }, deviceTimeMs: 1_000 }]);
    expect(motion(true)).toEqual([]); // still moving
    expect(motion(false)).toEqual([]);
    expect(motion(true, { Confidence: 7 })[0]?.data.confidence).toBe(1); // out of range: ignored
    expect(t.observe(note('VideoSource/MotionAlarm', { State: true }), SNAP, 0)[0]?.data).toEqual({ zone: 'view', confidence: 1, snapshotUri: SNAP });
  });

  it('does not report a state again after a reconnect repeats it as Initialized', () => {
    const t = tracker();
    const dark = (state: boolean, operation: string) => t.observe(note('VideoSource/ImageTooDark/AnalyticsService', { State: state }, { operation }), SNAP, 0);
    expect(dark(true, 'Changed').map((e) => e.type)).toEqual(['tamper.cover']);
    expect(dark(true, 'Initialized')).toEqual([]);
    expect(dark(false, 'Changed')).toEqual([]);
    expect(t.observe(note('VideoSource/ImageTooBlurry/AnalyticsService', { State: true }, { operation: 'Initialized' }), SNAP, 0).map((e) => e.type)).toEqual(['tamper.blur']);
  });

  it('keeps instances apart by source', () => {
    const t = tracker();
    const on = (rule: string) => t.observe(note('RuleEngine/CellMotionDetector/Motion', { IsMotion: true }, { source: { Rule: rule } }), SNAP, 0);
    expect(on('a')).toHaveLength(1);
    expect(on('b')).toHaveLength(1);
    expect(on('a')).toHaveLength(0);
  });

  it('reports video loss and restore with the seconds between the two UtcTimes', () => {
    const t = tracker();
    const signal = (state: boolean, at: number, operation = 'Changed') => t.observe(note('VideoSource/SignalLoss', { State: state }, { utcTimeMs: at, operation }), SNAP, 0);
    expect(signal(false, 0, 'Initialized')).toEqual([]);
    expect(signal(true, 10_000)).toEqual([{ type: 'video.loss', data: { reason: 'signal-lost', snapshotUri: SNAP }, deviceTimeMs: 10_000 }]);
    expect(signal(true, 20_000, 'Initialized')).toEqual([]);
    expect(signal(false, 95_500)).toEqual([{ type: 'video.restored', data: { downSeconds: 85.5, snapshotUri: SNAP }, deviceTimeMs: 95_500 }]);
  });

  it('uses the fallback time without UtcTime, ignores unknown topics, and forgets Deleted properties', () => {
    const t = tracker();
    expect(t.observe(note('VideoSource/MotionAlarm', { State: true }, { utcTimeMs: undefined }), SNAP, 42)[0]?.deviceTimeMs).toBe(42);
    expect(t.observe(note('Device/HardwareFailure/FanFailure', { Failed: true }), SNAP, 0)).toEqual([]);
    expect(t.observe(note('VideoSource/MotionAlarm', {}, { operation: 'Deleted' }), SNAP, 0)).toEqual([]);
    expect(t.observe(note('VideoSource/MotionAlarm', { State: true }), SNAP, 0)).toHaveLength(1);
  });
});
