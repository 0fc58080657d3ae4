/**
 * The desk's views as hash routes: `#/`, `#/?category=security`, `#/ticket/T20250101-0001`, `#/site`,
 * `#/shift`, `#/reports`, `#/people` (the manager's people's reports), `#/log-call/m3` (log a call, place picked).
 */
export type DeskRoute =
  | { view: 'board'; query: string }
  | { view: 'ticket'; id: string }
  | { view: 'site'; selected?: string }
  | { view: 'shift' }
  | { view: 'reports' }
  | { view: 'people' }
  | { view: 'log-call'; place?: string };

export function parseHash(hash: string): DeskRoute {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'ticket':
      return parts[1] ? { view: 'ticket', id: parts[1] } : { view: 'board', query: '' };
    case 'site':
      return parts[1] ? { view: 'site', selected: parts[1] } : { view: 'site' };
    case 'shift':
      return { view: 'shift' };
    case 'reports':
      return { view: 'reports' };
    case 'people':
      return { view: 'people' };
    case 'log-call':
      return parts[1] ? { view: 'log-call', place: parts[1] } : { view: 'log-call' };
    default:
      return { view: 'board', query };
  }
}

export const hrefOf = (r: DeskRoute): string => {
  switch (r.view) {
    case 'board':
      return r.query ? `#/?${r.query}` : '#/';
    case 'ticket':
      return `#/ticket/${encodeURIComponent(r.id)}`;
    case 'site':
      return r.selected ? `#/site/${encodeURIComponent(r.selected)}` : '#/site';
    case 'log-call':
      return r.place ? `#/log-call/${encodeURIComponent(r.place)}` : '#/log-call';
    default:
      return `#/${r.view}`;
  }
};
