import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, createTheme } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { BrowserRouter } from 'react-router-dom';
import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import { App } from './App.js';
import { LangProvider, useT } from './app/i18n.js';
import { SessionProvider } from './app/session.js';

const theme = createTheme({ primaryColor: 'blue', defaultRadius: 'md', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' });

function Localized({ children }: { children: React.ReactNode }) {
  const { lang } = useT();
  return <DatesProvider settings={{ locale: lang, firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <LangProvider>
        <Localized>
          <BrowserRouter basename="/admin">
            <SessionProvider>
              <App />
            </SessionProvider>
          </BrowserRouter>
        </Localized>
      </LangProvider>
    </MantineProvider>
  </StrictMode>,
);
