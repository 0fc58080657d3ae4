import { render } from 'preact';
import { I18nProvider } from '../i18n/context.tsx';
import { SessionGate } from '../ui/session-gate.tsx';
import { PhoneApp } from './phone-app.tsx';
import '../styles/base.css';
import '../styles/phone.css';

render(
  <I18nProvider>
    <SessionGate page="phone">{(session) => <PhoneApp session={session} />}</SessionGate>
  </I18nProvider>,
  document.getElementById('app')!,
);
