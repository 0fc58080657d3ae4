const DAY = 86_400_000;

/**
 * When a person's quiet hours (local "HH:MM" to "HH:MM", may span midnight) end,
 * if `now` falls inside them; undefined outside them or without any.
 */
export function quietUntil(window: { from: string; to: string } | undefined, now: number, utcOffsetMin: number): number | undefined {
  if (!window) return undefined;
  const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const from = minutes(window.from) * 60_000;
  const to = minutes(window.to) * 60_000;
  if (from === to) return undefined;
  const local = now + utcOffsetMin * 60_000;
  const dayStart = Math.floor(local / DAY) * DAY;
  const t = local - dayStart;
  const inside = from < to ? t >= from && t < to : t >= from || t < to;
  if (!inside) return undefined;
  const endLocal = from < to || t < to ? dayStart + to : dayStart + DAY + to;
  return endLocal - utcOffsetMin * 60_000;
}
