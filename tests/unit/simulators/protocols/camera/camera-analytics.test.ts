import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../../../../simulators/protocols/camera/camera-analytics.ts';

const stateOf = (n: { data: Array<{ name: string; value: unknown }> }) => n.data[0]!.value;

describe('simulated camera analytics', () => {
  it('reports motion as a true-then-false pulse on the rule of the zone, with the confidence', () => {
    const a = new CameraAnalytics();
    const out = a.incident({ type: 'motion', zone: 'gateway', confidence: 0.876 }, 1_000);
    expect(out.map((n) => [n.topic, n.operation, stateOf(n), n.utcTimeMs])).toEqual([
      ['tns1:RuleEngine/CellMotionDetector/Motion', 'Changed', true, 1_000],
      ['tns1:RuleEngine/CellMotionDetector/Motion', 'Changed', false, 1_000],
    ]);
    expect(out[0]!.source.find((s) => s.name === 'Rule')?.value).toBe('gateway');
    expect(out[0]!.data).toContainEqual({ name: 'Confidence', value: 0.88 });
  });

  it('uses the standard topics and state items for each tamper kind', () => {
    const a = new CameraAnalytics();
    const first = (incident: Parameters<CameraAnalytics['incident']>[0]) => a.incident(incident, 0)[0]!;
    expect([first({ type: 'tamper.cover' }).topic, first({ type: 'tamper.cover' }).data[0]!.name]).toEqual(['tns1:VideoSource/ImageTooDark/AnalyticsService', 'State']);
    expect(first({ type: 'tamper.blur' }).topic).toBe('tns1:VideoSource/ImageTooBlurry/AnalyticsService');
    expect(first({ type: 'tamper.cover', topic: 'sceneChange' }).topic).toBe('tns1:VideoSource/GlobalSceneChange/AnalyticsService');
    const detector = first({ type: 'tamper.cover', topic: 'tamper' });
    expect([detector.topic, detector.data[0]!.name]).toEqual(['tns1:RuleEngine/TamperDetector/Tamper', 'IsTamper']);
    expect(first({ type: 'motion', topic: 'motionAlarm' }).topic).toBe('tns1:VideoSource/MotionAlarm');
  });

  it('holds video loss until restored and reports only changes', () => {
    const a = new CameraAnalytics();
    expect(a.incident({ type: 'video.loss' }, 0).map(stateOf)).toEqual([true]);
    expect(a.incident({ type: 'video.loss' }, 1)).toEqual([]);
    expect(a.videoLost).toBe(true);
    expect(a.incident({ type: 'video.restored' }, 2).map(stateOf)).toEqual([false]);
  });

  it('gives a new subscriber every property as Initialized with its current state', () => {
    const a = new CameraAnalytics();
    expect(a.initialState(5).map((n) => [n.topic, n.operation, stateOf(n)])).toEqual([['tns1:VideoSource/SignalLoss', 'Initialized', false]]);
    a.incident({ type: 'video.loss' }, 6);
    a.incident({ type: 'motion', zone: 'lane' }, 7);
    const init = a.initialState(8);
    expect(init.map((n) => [n.topic, stateOf(n)])).toEqual([
      ['tns1:VideoSource/SignalLoss', true],
      ['tns1:RuleEngine/CellMotionDetector/Motion', false],
    ]);
    expect(init.every((n) => n.operation === 'Initialized' && n.utcTimeMs === 8)).toBe(true);
  });
});
