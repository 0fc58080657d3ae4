import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ACTIVE_STATES } from '../../../alerting/domain/tickets/states.ts';
import type { Alert } from '../../../alerting/domain/alerts/alert.ts';
import { getSession, listAlerts, listTickets } from '../api/endpoints.ts';
import { LiveConnection, type LiveState } from '../api/live.ts';
import type { Ticket } from '../api/types.ts';
import { isUrgent, TicketFeed } from '../logic/ticket-feed.ts';
import { beep } from '../ui/sound.ts';

/** How long a new ticket's row stays highlighted, and the urgent banner stays up unless dismissed. */
export const HIGHLIGHT_MS = 20_000;
const SOUND_KEY = 'oc.sound';

export interface Arrival {
  ticket: Ticket;
  at: number;
}

/** Alerts the strip shows: the newest changes. */
export const STRIP_ALERTS = 40;

export interface DeskData {
  tickets: Ticket[];
  /** The newest alerts (signals, ticket or not), newest change first: the live alert strip. */
  alerts: Alert[];
  /** Loaded at least once. */
  ready: boolean;
  live: LiveState;
  loadError: unknown;
  reload(): void;
  /** Tickets that arrived while the page was open, by id, with when. */
  arrivals: ReadonlyMap<string, number>;
  /** The latest urgent arrival, until dismissed or replaced. */
  alarm: Arrival | undefined;
  dismissAlarm(): void;
  sound: boolean;
  setSound(on: boolean): void;
  /** One sentence for screen readers about the latest change. */
  announcement: string;
  /** Applies an action's answer at once, before the stream echoes it. */
  applyTicket(t: Ticket): void;
}

/**
 * The desk's tickets: subscribe to the stream first, then (on every open) load the lists,
 * so nothing falls between the load and the subscription. Urgent arrivals beep and flash.
 */
export function useDeskData(describe: (t: Ticket) => string): DeskData {
  const feed = useRef(new TicketFeed()).current;
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [ready, setReady] = useState(false);
  const [live, setLive] = useState<LiveState>('connecting');
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [arrivals, setArrivals] = useState<ReadonlyMap<string, number>>(new Map());
  const [alarm, setAlarm] = useState<Arrival | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [sound, setSoundState] = useState(() => readSound());
  const soundRef = useRef(sound);
  soundRef.current = sound;
  const describeRef = useRef(describe);
  describeRef.current = describe;
  const loading = useRef<AbortController | undefined>(undefined);

  const publish = useCallback(() => setTickets(feed.all()), [feed]);

  const arrived = useCallback((t: Ticket) => {
    const now = Date.now();
    setArrivals((m) => new Map([...m].filter(([, at]) => now - at < HIGHLIGHT_MS)).set(t.id, now));
    setAnnouncement(describeRef.current(t));
    if (isUrgent(t)) {
      setAlarm({ ticket: t, at: now });
      if (soundRef.current) beep();
    }
  }, []);

  const reload = useCallback(() => {
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    const firstLoad = feed.size === 0;
    // The strip is a view of signals: if it cannot load, the board still works.
    listAlerts(STRIP_ALERTS, controller.signal)
      .then((list) => {
        if (!controller.signal.aborted) setAlerts(list);
      })
      .catch(() => undefined);
    Promise.all([listTickets({ state: [...ACTIVE_STATES] }, controller.signal), listTickets({ state: ['resolved', 'closed', 'cancelled'], limit: 100 }, controller.signal)])
      .then(([active, recent]) => {
        if (controller.signal.aborted) return;
        const fresh = feed.reset([...active, ...recent]);
        // Tickets that came while the stream was down are arrivals too; the first load's are not.
        if (!firstLoad) for (const t of fresh) if (ACTIVE_STATES.includes(t.state)) arrived(t);
        setLoadError(undefined);
        setReady(true);
        publish();
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoadError(err);
      });
  }, [feed, arrived, publish]);

  useEffect(() => {
    const conn = new LiveConnection({
      onTicket: (ticket, entries) => {
        const change = feed.apply(ticket, entries);
        if (change.kind === 'ignored') return;
        if (change.kind === 'arrived') arrived(ticket);
        publish();
      },
      onAlert: (alert) => setAlerts((list) => upsertAlert(list, alert)),
      onState: setLive,
      onResync: reload,
      // A stream the server closed may mean the session ended: asking shows the sign-in form if so.
      onLost: () => void getSession().catch(() => undefined),
    });
    conn.start();
    return () => {
      conn.close();
      loading.current?.abort();
    };
  }, [feed, reload, arrived, publish]);

  const setSound = useCallback((on: boolean) => {
    try {
      localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    } catch {
      // Not remembered in private mode; still applies now.
    }
    setSoundState(on);
  }, []);

  const applyTicket = useCallback(
    (t: Ticket) => {
      if (feed.apply(t).kind !== 'ignored') publish();
    },
    [feed, publish],
  );

  return { tickets, alerts, ready, live, loadError, reload, arrivals, alarm, dismissAlarm: () => setAlarm(undefined), sound, setSound, announcement, applyTicket };
}

/** The alert in its place in the list, newest change first, bounded. */
export function upsertAlert(list: readonly Alert[], alert: Alert): Alert[] {
  return [alert, ...list.filter((a) => a.id !== alert.id)].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, STRIP_ALERTS);
}

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}
