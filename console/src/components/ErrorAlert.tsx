import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { ApiError } from '../lib/http.js';

/** The error keys of a failure (an ApiError's, or a generic one). */
export function keysOf(error: unknown): string[] {
  if (error instanceof ApiError) return error.keys;
  return ['server.internal_error'];
}

/** An API refusal in words, with the keys themselves for support tickets. */
export function ErrorAlert({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t, err } = useT();
  const keys = keysOf(error);
  return (
    <Alert color="red" variant="light" title={title ?? t('common.error')} role="alert" data-testid="error">
      <Stack gap={4}>
        {keys.map((k) => (
          <Group key={k} gap="xs" wrap="nowrap">
            <Text size="sm">{err(k)}</Text>
            <Code fz="xs">{k}</Code>
          </Group>
        ))}
        {onRetry && <Button size="xs" variant="light" color="red" w="fit-content" mt={4} onClick={onRetry}>{t('common.retry')}</Button>}
      </Stack>
    </Alert>
  );
}
