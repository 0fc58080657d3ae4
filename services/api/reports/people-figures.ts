import type { Bilingual } from '../../alerting/domain/model.ts';
import type { ReportRecord } from '../../alerting/store/report-rows.ts';
import type { ReportPlace } from './places.ts';

/** The manager's figures for one group of people's reports: how many, how many rated, mean stars, how many 1–2. */
export interface ReportFigures {
  reports: number;
  rated: number;
  /** Satisfaction: mean of the stars given, two decimals; null while nobody rated. */
  meanStars: number | null;
  lowRatings: number;
}

export interface PeopleReport {
  total: ReportFigures;
  byCategory: Record<string, ReportFigures>;
  byPlace: Record<string, ReportFigures & { name?: Bilingual | undefined }>;
  bySource: Record<string, ReportFigures>;
}

function figures(rows: readonly ReportRecord[]): ReportFigures {
  const rated = rows.filter((r) => r.rating);
  const sum = rated.reduce((s, r) => s + r.rating!.stars, 0);
  return { reports: rows.length, rated: rated.length, meanStars: rated.length ? Math.round((sum / rated.length) * 100) / 100 : null, lowRatings: rated.filter((r) => r.rating!.stars <= 2).length };
}

function grouped(rows: readonly ReportRecord[], key: (r: ReportRecord) => string): Record<string, ReportFigures> {
  const groups = new Map<string, ReportRecord[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups].map(([k, g]) => [k, figures(g)]));
}

/** People's reports counted by category, place (with its name) and source, with satisfaction from the residents' stars. */
export function peopleReport(rows: readonly ReportRecord[], places: readonly ReportPlace[]): PeopleReport {
  const nameOf = new Map(places.map((p) => [p.id, p.name]));
  const byPlace = Object.fromEntries(Object.entries(grouped(rows, (r) => r.placeId)).map(([id, f]) => [id, { ...f, name: nameOf.get(id) }]));
  return { total: figures(rows), byCategory: grouped(rows, (r) => r.category), byPlace, bySource: grouped(rows, (r) => r.source) };
}
