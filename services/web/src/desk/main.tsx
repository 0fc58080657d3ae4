import { render } from 'preact';
import { I18nProvider } from '../i18n/context.tsx';
import { SessionGate } from '../ui/session-gate.tsx';
import { DeskApp } from './desk-app.tsx';
import '../styles/base.css';
import '../styles/desk.css';

render(
  <I18nProvider>
    <SessionGate page="desk">{(session) => <DeskApp session={session} />}</SessionGate>
  </I18nProvider>,
  document.getElementById('app')!,
);
