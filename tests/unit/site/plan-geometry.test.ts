import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSite, parseSite, REFERENCE_SITE_PATH } from '../../../services/site/load.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawSite = any;
const reference = (): RawSite => parse(readFileSync(REFERENCE_SITE_PATH, 'utf8'));
const problem = (raw: RawSite): string => {
  try {
    parseSite(raw, 'site');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no problem';
};

describe('plan geometry of the reference site', () => {
  const compound = loadSite().communities[0]!.compounds[0]!;

  it('places every entrance on its building and nothing outside the plan; buildings do not overlap', () => {
    for (const b of compound.buildings) for (const e of b.entrances) expect(e.plan, e.id).toBeDefined();
    const rects = compound.buildings.map((b) => b.plan!);
    rects.forEach((a, i) =>
      rects.slice(i + 1).forEach((b) => {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }),
    );
    for (const p of compound.publicPoints) expect(p.plan, p.id).toBeDefined();
  });
});

describe('plan geometry checks', () => {
  it('refuses an entrance drawn away from its building', () => {
    const raw = reference();
    raw.communities[0].compounds[0].buildings[1].entrances[2].plan = { x: 10, y: 140 };
    expect(problem(raw)).toMatch(/buildings\.1\.entrances\.2\.plan: is more than 5 m from building b2/);
  });

  it('refuses anything outside the compound plan', () => {
    const raw = reference();
    raw.communities[0].compounds[0].publicPoints[0].plan = { x: 300, y: 10 };
    raw.communities[0].compounds[0].buildings[0].plan.w = 400;
    const message = problem(raw);
    expect(message).toMatch(/publicPoints\.0\.plan: lies outside the compound plan \(250 × 155 m\)/);
    expect(message).toMatch(/buildings\.0\.plan: lies outside/);
  });

  it('accepts a site without any plan geometry', () => {
    const raw = reference();
    const c = raw.communities[0].compounds[0];
    delete c.plan;
    for (const b of c.buildings) {
      delete b.plan;
      for (const e of b.entrances) delete e.plan;
    }
    for (const p of c.publicPoints) delete p.plan;
    expect(problem(raw)).toBe('no problem');
  });
});
