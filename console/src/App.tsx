import { lazy, Suspense, type ReactNode } from 'react';
import { Center, EmptyState, Loader } from '@mantine/core';
import { Route, Routes } from 'react-router-dom';
import { Layout } from './app/Layout.js';
import { useT } from './app/i18n.js';
import { useSession } from './app/session.js';
import { canOpen, type Section } from './lib/abilities.js';
import { SignIn } from './pages/SignIn.js';

// One chunk per page: the sign-in screen loads without the charts and tables.
const Dashboard = lazy(() => import('./pages/Dashboard.js').then((m) => ({ default: m.Dashboard })));
const Users = lazy(() => import('./pages/Users.js').then((m) => ({ default: m.Users })));
const UserPage = lazy(() => import('./pages/UserPage.js').then((m) => ({ default: m.UserPage })));
const KycQueue = lazy(() => import('./pages/KycQueue.js').then((m) => ({ default: m.KycQueue })));
const Permissions = lazy(() => import('./pages/Permissions.js').then((m) => ({ default: m.Permissions })));
const Restrictions = lazy(() => import('./pages/Restrictions.js').then((m) => ({ default: m.Restrictions })));
const Levels = lazy(() => import('./pages/Levels.js').then((m) => ({ default: m.Levels })));
const Activities = lazy(() => import('./pages/Activities.js').then((m) => ({ default: m.Activities })));
const Access = lazy(() => import('./pages/Access.js').then((m) => ({ default: m.Access })));

const Spinner = () => <Center py="xl"><Loader size="sm" /></Center>;

/** A page the admin's abilities do not open (typed-in URL): a clear refusal instead of an API error. */
function Guard({ section, children }: { section: Section; children: ReactNode }) {
  const { t } = useT();
  const { abilities } = useSession();
  if (!canOpen(abilities, section)) {
    return <EmptyState py="xl" title={t('common.notAllowed')} description={t('common.notAllowedText')} data-testid="not-allowed" />;
  }
  return <>{children}</>;
}

function NotFound() {
  const { t } = useT();
  return <EmptyState py="xl" title={t('common.notFound')} />;
}

function SignedIn() {
  return (
    <Layout>
      <Suspense fallback={<Spinner />}>
        <Routes>
          <Route path="/" element={<Guard section="dashboard"><Dashboard /></Guard>} />
          <Route path="/users" element={<Guard section="users"><Users /></Guard>} />
          <Route path="/users/:uid" element={<Guard section="users"><UserPage /></Guard>} />
          <Route path="/kyc" element={<Guard section="kyc"><KycQueue /></Guard>} />
          <Route path="/permissions" element={<Guard section="permissions"><Permissions /></Guard>} />
          <Route path="/restrictions" element={<Guard section="restrictions"><Restrictions /></Guard>} />
          <Route path="/levels" element={<Guard section="levels"><Levels /></Guard>} />
          <Route path="/activities" element={<Guard section="activities"><Activities /></Guard>} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function App() {
  const { status } = useSession();
  return (
    <Routes>
      <Route path="/access" element={<Suspense fallback={<Spinner />}><Access /></Suspense>} />
      <Route path="*" element={status === 'loading' ? <Center mih="100vh"><Loader /></Center> : status === 'in' ? <SignedIn /> : <SignIn />} />
    </Routes>
  );
}
