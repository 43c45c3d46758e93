import type { ReactNode } from 'react';
import { Center, EmptyState, Loader, Stack, Text } from '@mantine/core';
import { useT } from '../app/i18n.js';
import type { Loaded } from '../app/useLoad.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * Loading, error and empty states around loaded data: a loader the first time, the error in
 * words with a retry, an empty-state message when `isEmpty` says so.
 */
export function DataState<T>({ loaded, isEmpty, empty, children }: {
  loaded: Loaded<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { t } = useT();
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;
  if (loaded.data === undefined) {
    return (
      <Center py="xl" data-testid="loading">
        <Stack align="center" gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">{t('common.loading')}</Text></Stack>
      </Center>
    );
  }
  if (isEmpty?.(loaded.data)) {
    return <EmptyState py="xl" title={empty ?? t('common.empty')} data-testid="empty" />;
  }
  return <>{children(loaded.data)}</>;
}
