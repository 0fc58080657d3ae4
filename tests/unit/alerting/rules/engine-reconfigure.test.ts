import { expect, it } from 'vitest';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import { device, siteDevices } from './harness.ts';

/** Devices added, moved and revoked while running (issue 17) reach the rules without a new engine. */
it('takes a new device list, and a bad setting leaves the engine as it was', () => {
  const added = { ...device('dl8-cam-01'), deviceId: 'dl8-cam-13' };
  const engine = new RuleEngine(siteDevices.filter((d) => d.deviceId !== 'dl8-cam-02'));
  expect(engine.knows('dl8-cam-13')).toBe(false);
  engine.reconfigure([...siteDevices, added]);
  expect(engine.knows('dl8-cam-13')).toBe(true);
  expect(engine.knows('dl8-cam-02')).toBe(true);
  expect(engine.settingsOf('dl8-cam-13')).toEqual(engine.settingsOf('dl8-cam-01'));
  expect(() => engine.reconfigure([added, added])).toThrow(/listed twice/);
  expect(() => engine.reconfigure(siteDevices, { site: { drain: { warningPct: 500 } } } as never)).toThrow();
  expect(engine.knows('dl8-cam-13')).toBe(true);
  engine.reconfigure(siteDevices.filter((d) => d.deviceId !== 'dl8-cam-01'));
  expect(engine.knows('dl8-cam-01')).toBe(false);
});
