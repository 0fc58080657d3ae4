import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { RosterInfo, SessionUser } from '../api/types.ts';
import type { SiteIndex } from '../logic/site-index.ts';

/** What every desk view looks names up in; loaded once per page. */
export interface DeskRefs {
  user: SessionUser;
  site: SiteIndex | undefined;
  roster: RosterInfo | undefined;
}

export const DeskRefsContext = createContext<DeskRefs | null>(null);

export function useDeskRefs(): DeskRefs {
  const v = useContext(DeskRefsContext);
  if (!v) throw new Error('useDeskRefs outside the desk');
  return v;
}

export function staffName(roster: RosterInfo | undefined, id: string, lang: 'zh' | 'en'): string {
  return roster?.staff.find((s) => s.id === id)?.name[lang] ?? id;
}

export function teamName(roster: RosterInfo | undefined, id: string, lang: 'zh' | 'en'): string {
  return (roster?.teams.find((x) => x.id === id) ?? roster?.departments.find((x) => x.id === id))?.name[lang] ?? id;
}
