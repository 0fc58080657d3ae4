import { describe, expect, it } from 'vitest';
import { CameraModel } from '../../../simulators/models/camera.ts';
import { createRng } from '../../../simulators/prng.ts';
import { device, jinan } from './fixtures.ts';

const START = jinan('2026-07-15T00:00:00');
const DAY = 24 * 3600_000;
const camera = (id = 'dl8-cam-01', seed = 1) => new CameraModel({ device: device(id), rng: createRng(seed), startMs: START });

describe('camera model', () => {
  it('reports motion by zone with a confidence and a snapshot, more by day than at night', () => {
    const outputs = camera().advance(START + 3 * DAY);
    const motion = outputs.filter((o) => o.type === 'motion');
    expect(motion.length).toBeGreaterThan(300);
    for (const m of motion) {
      expect(['gateway', 'pavement']).toContain(m.data.zone);
      expect(m.data.confidence).toBeGreaterThan(0);
      expect(m.data.confidence).toBeLessThanOrEqual(1);
      expect(m.data.snapshotUri).toBe(`sim://snapshots/dl8-cam-01/${m.at}.jpg`);
    }
    const hourOf = (at: number) => Math.floor(((at - START) % DAY) / 3600_000);
    const count = (from: number, to: number) => motion.filter((m) => hourOf(m.at) >= from && hourOf(m.at) < to).length;
    expect(count(17, 20)).toBeGreaterThan(4 * count(1, 4));
    expect(outputs.every((o) => o.type === 'motion')).toBe(true);
  });

  it('debounces motion: at most one start per cooldown', () => {
    const motion = camera().advance(START + DAY);
    for (let i = 1; i < motion.length; i++) expect(motion[i]!.at - motion[i - 1]!.at).toBeGreaterThanOrEqual(10_000);
  });

  it('replays exactly from a seed', () => {
    expect(camera('dl8-cam-07', 5).advance(START + DAY)).toEqual(camera('dl8-cam-07', 5).advance(START + DAY));
    expect(camera('dl8-cam-07', 5).advance(START + DAY)).not.toEqual(camera('dl8-cam-07', 6).advance(START + DAY));
  });

  it('video loss: loss at the scripted time, restored after the duration, blind in between', () => {
    const model = camera('dl8-cam-03');
    const at = jinan('2026-07-15T18:00:00');
    model.schedule({ do: 'video-loss', durationS: 120 }, at);
    const outputs = model.advance(at + 3600_000);
    const loss = outputs.filter((o) => o.type === 'video.loss');
    const restored = outputs.filter((o) => o.type === 'video.restored');
    expect(loss.map((o) => o.at)).toEqual([at]);
    expect(restored.map((o) => [o.at, o.data.downSeconds])).toEqual([[at + 120_000, 120]]);
    expect(outputs.filter((o) => o.type === 'motion' && o.at >= at && o.at < at + 120_000)).toEqual([]);
    // Evening at a gate: the camera sees people again once the video is back.
    expect(outputs.some((o) => o.type === 'motion' && o.at > at + 120_000)).toBe(true);
  });

  it('a covered lens reports tamper.cover and sees nothing while covered; a blur reports tamper.blur', () => {
    const model = camera('dl8-cam-05');
    const at = jinan('2026-07-15T18:00:00');
    model.schedule({ do: 'tamper', mode: 'cover', durationS: 900 }, at);
    model.schedule({ do: 'tamper', mode: 'blur' }, at + 1800_000);
    const outputs = model.advance(at + 3600_000);
    expect(outputs.filter((o) => o.type.startsWith('tamper.')).map((o) => [o.type, o.at])).toEqual([
      ['tamper.cover', at],
      ['tamper.blur', at + 1800_000],
    ]);
    expect(outputs.some((o) => o.type === 'motion' && o.at >= at && o.at < at + 900_000)).toBe(false);
    expect(outputs.some((o) => o.type === 'motion' && o.at >= at + 900_000)).toBe(true);
  });

  it('scripted motion appears at its time with the given zone', () => {
    const model = camera('dl8-cam-07');
    const at = jinan('2026-07-15T01:30:00');
    model.schedule({ do: 'motion', zone: 'doorways' }, at);
    const hit = model.advance(at + 1000).filter((o) => o.at === at);
    expect(hit).toHaveLength(1);
    expect(hit[0]!.data.zone).toBe('doorways');
  });
});
