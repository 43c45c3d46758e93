import { useEffect, useState } from 'react';
import { Alert, Center, Loader, Paper, Stack, Title } from '@mantine/core';
import { useSearchParams } from 'react-router-dom';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { ErrorAlert } from '../components/ErrorAlert.js';

/**
 * The page a whitelink opens (no sign-in): it spends the token on `identity/users/access`, which
 * whitelists the visitor's IP address. Served by Warden itself, so it works under maintenance.
 */
export function Access() {
  const { t } = useT();
  const { api } = useSession();
  const [sp] = useSearchParams();
  const token = sp.get('token') ?? '';
  const [state, setState] = useState<'working' | 'done' | unknown>('working');
  useEffect(() => {
    api.whitelinkAccess(token).then(() => setState('done'), (e: unknown) => setState(e));
  }, [api, token]);
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder radius="md" p="xl" w={440}>
        <Stack>
          <Title order={3}>{t('access.title')}</Title>
          {state === 'working' && <Center><Loader /></Center>}
          {state === 'done' && <Alert color="green" data-testid="access-done">{t('access.done')}</Alert>}
          {state !== 'working' && state !== 'done' && <ErrorAlert error={state} title={t('access.failed')} />}
        </Stack>
      </Paper>
    </Center>
  );
}
