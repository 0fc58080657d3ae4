import { describe, expect, it } from 'vitest';
import { readNotification, readNotifications, timeOf, topicPath } from '../../../../../edge-agent/drivers/camera/camera-notification.ts';

// Shaped as the onvif package hands messages over (xml2js + its linerase), as seen against the simulator.
const message = (simpleItems: unknown, topic: unknown = { _: 'tns1:RuleEngine/CellMotionDetector/Motion', $: { Dialect: 'x' } }) => ({
  subscriptionReference: { address: 'http://cam/sub/1' },
  topic,
  message: {
    message: {
      $: { UtcTime: new Date('2026-07-15T12:00:00.250Z'), PropertyOperation: 'Changed' },
      source: { simpleItem: [{ $: { Name: 'Rule', Value: 'gateway' } }, { $: { Name: 'VideoSourceConfigurationToken', Value: 7 } }] },
      data: simpleItems,
    },
  },
});

describe('reading onvif notification messages', () => {
  it('reads topic, time, operation, source and data, one item or many', () => {
    expect(readNotification(message({ simpleItem: { $: { Name: 'IsMotion', Value: true } } }))).toEqual({
      topic: 'RuleEngine/CellMotionDetector/Motion',
      utcTimeMs: Date.parse('2026-07-15T12:00:00.250Z'),
      operation: 'Changed',
      source: { Rule: 'gateway', VideoSourceConfigurationToken: '7' },
      data: { IsMotion: true },
    });
    const many = readNotification(message({ simpleItem: [{ $: { Name: 'IsMotion', Value: false } }, { $: { Name: 'Confidence', Value: 0.5 } }, { $: { Name: 'At', Value: new Date(0) } }] }));
    expect(many?.data).toEqual({ IsMotion: false, Confidence: 0.5, At: '1970-01-01T00:00:00.000Z' });
  });

  it('takes a topic without attributes, and refuses a message without a topic', () => {
    expect(readNotification(message({}, 'tns1:VideoSource/MotionAlarm'))?.topic).toBe('VideoSource/MotionAlarm');
    expect(readNotification(message({}, null))).toBeUndefined();
    expect(readNotification(message({}, { $: { Dialect: 'x' } }))).toBeUndefined();
    expect(readNotification('junk')).toBeUndefined();
  });

  it('strips any namespace prefix from each topic segment', () => {
    expect(topicPath('ns0:VideoSource/ns0:ImageTooDark/ns0:AnalyticsService')).toBe('VideoSource/ImageTooDark/AnalyticsService');
    expect(topicPath(' tns1:VideoSource/SignalLoss ')).toBe('VideoSource/SignalLoss');
  });

  it('reads times given as Dates or as text with a zone', () => {
    expect(timeOf(new Date(5))).toBe(5);
    expect(timeOf('2026-07-15T20:00:00+08:00')).toBe(Date.parse('2026-07-15T12:00:00Z'));
    expect(timeOf('yesterday')).toBeUndefined();
    expect(timeOf(12)).toBeUndefined();
  });

  it('lists none, one or many notification messages', () => {
    expect(readNotifications(undefined)).toEqual([]);
    expect(readNotifications({ a: 1 })).toEqual([{ a: 1 }]);
    expect(readNotifications([1, 2])).toEqual([1, 2]);
  });
});
