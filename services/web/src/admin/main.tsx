import { render } from 'preact';
import { I18nProvider } from '../i18n/context.tsx';
import { SessionGate } from '../ui/session-gate.tsx';
import { AdminApp } from './admin-app.tsx';
import '../styles/base.css';
import '../styles/desk.css';
import '../styles/admin.css';

render(
  <I18nProvider>
    <SessionGate page="admin">{(session) => <AdminApp session={session} />}</SessionGate>
  </I18nProvider>,
  document.getElementById('app')!,
);
