import { useCallback, useEffect, useMemo } from 'preact/hooks';
import { getRoster, getSitePlan } from '../api/endpoints.ts';
import type { Ticket } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { SiteIndex } from '../logic/site-index.ts';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { Forbidden } from '../ui/forbidden.tsx';
import { useLoad } from '../ui/hooks.ts';
import type { SessionApi } from '../ui/session-gate.tsx';
import { unlockAudio } from '../ui/sound.ts';
import { BoardView } from './board/board-view.tsx';
import { AlarmBanner } from './alarm-banner.tsx';
import { DeskRefsContext } from './desk-context.ts';
import { DeskHeader } from './desk-header.tsx';
import { useDeskKeys } from './desk-keys.ts';
import { LogCallView } from './call/log-call-view.tsx';
import { PeopleReportView } from './shift/people-report-view.tsx';
import { ReportsView } from './shift/reports-view.tsx';
import { ShiftView } from './shift/shift-view.tsx';
import { SiteView } from './site/site-view.tsx';
import { TicketView } from './ticket/ticket-view.tsx';
import { useDeskData } from './use-desk-data.ts';
import { useRoute } from './use-route.ts';

/** The duty desk for operators and managers; staff are sent to their phone page. */
export function DeskApp({ session }: { session: SessionApi }) {
  if (session.user.role === 'staff') return <Forbidden message="forbidden.desk" link={{ href: '/m', label: 'forbidden.toPhone' }} onSignOut={session.signOut} />;
  return <Desk session={session} />;
}

function Desk({ session }: { session: SessionApi }) {
  const i18n = useI18n();
  const route = useRoute();
  const site = useLoad(async (signal) => new SiteIndex(await getSitePlan(signal)), []);
  const roster = useLoad(() => getRoster(), []);
  const index = site.data;
  const refs = useMemo(() => ({ user: session.user, site: index, roster: roster.data }), [session.user, index, roster.data]);
  const describe = useCallback(
    (t: Ticket) => `${i18n.t(t.priority === 'P1' ? 'board.new' : 'board.newPlain', { title: i18n.name(t.title) })}${index ? ` · ${index.placeLabel(t.subject, i18n.lang)}` : ''}`,
    [i18n, index],
  );
  const data = useDeskData(describe);
  useDeskKeys();

  // Any click or key unlocks the alarm sound (a reload does not count as the sign-in gesture).
  useEffect(() => {
    const unlock = () => unlockAudio();
    addEventListener('pointerdown', unlock);
    addEventListener('keydown', unlock);
    return () => {
      removeEventListener('pointerdown', unlock);
      removeEventListener('keydown', unlock);
    };
  }, []);

  const alarmOpen = data.alarm !== undefined && data.tickets.find((x) => x.id === data.alarm!.ticket.id)?.state === 'open';

  const view = () => {
    switch (route.view) {
      case 'board':
        return <BoardView data={data} query={route.query} />;
      case 'ticket':
        return <TicketView id={route.id} data={data} />;
      case 'site':
        return <SiteView data={data} selected={route.selected} />;
      case 'shift':
        return <ShiftView />;
      case 'reports':
        return session.user.role === 'manager' ? <ReportsView /> : <Forbidden message="forbidden.manager" link={{ href: '#/', label: 'forbidden.toDesk' }} />;
      case 'people':
        return session.user.role === 'manager' ? <PeopleReportView /> : <Forbidden message="forbidden.manager" link={{ href: '#/', label: 'forbidden.toDesk' }} />;
      case 'log-call':
        return <LogCallView place={route.place} />;
    }
  };

  return (
    <DeskRefsContext.Provider value={refs}>
      <div class="desk">
        <DeskHeader route={route} user={session.user} live={data.live} sound={data.sound} setSound={data.setSound} onSignOut={session.signOut} />
        {/* The flash stays until dismissed or until someone acknowledges the ticket. */}
        {alarmOpen && <AlarmBanner alarm={data.alarm!} site={index} onDismiss={data.dismissAlarm} />}
        <div class="desk__errors">
          <ErrorBanner error={data.loadError} onRetry={data.reload} />
          <ErrorBanner error={site.error} onRetry={site.reload} />
          <ErrorBanner error={roster.error} onRetry={roster.reload} />
        </div>
        <main class="desk__main" id="main">
          {view()}
        </main>
        <div class="sr-only" aria-live="polite" aria-atomic="true">
          {data.announcement}
        </div>
      </div>
    </DeskRefsContext.Provider>
  );
}
