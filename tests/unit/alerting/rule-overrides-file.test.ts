import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { RuleEngine } from '../../../services/alerting/domain/rules/engine.ts';
import { loadRuleOverrides } from '../../../services/alerting/rule-overrides-file.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';

const devices = listDevices(loadSite()).map(toDeviceContext);
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
const file = (text: string) => {
  dir = mkdtempSync(join(tmpdir(), 'oc-rules-'));
  writeFileSync(join(dir, 'rules.yaml'), text);
  return join(dir, 'rules.yaml');
};

describe('rule settings file', () => {
  it('the reference file loads and applies per device over site defaults', () => {
    const engine = new RuleEngine(devices, loadRuleOverrides());
    expect(engine.settingsOf('dl8-drain-m3').drain.warningPct).toBe(55);
    expect(engine.settingsOf('dl8-drain-m1').drain.warningPct).toBe(60);
    expect(engine.settingsOf('dl8-cam-01').camera.quietHours).toEqual({ from: '00:30', to: '05:00' });
  });

  it('names a misspelt setting', () => {
    expect(() => loadRuleOverrides(file('devices:\n  dl8-drain-m3:\n    drain: { warnPct: 50 }\n'))).toThrow(/devices\.dl8-drain-m3\.drain\.warnPct: is not a known setting/);
    expect(() => loadRuleOverrides(file('sites: {}\n'))).toThrow(/sites: is not a known key/);
  });

  it('lets the engine refuse a bad value by name at start-up', () => {
    const overrides = loadRuleOverrides(file('site:\n  drain: { criticalPct: 150 }\n'));
    expect(() => new RuleEngine(devices, overrides)).toThrow(/drain\.criticalPct/);
  });
});
