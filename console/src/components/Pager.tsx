import { Group, Pagination, Select, Text } from '@mantine/core';
import { useT } from '../app/i18n.js';

/** Page links for a paginated list, the total, and the page size. */
export function Pager({ page, total, perPage, onPage, onPerPage }: {
  page: number; total: number; perPage: number; onPage(p: number): void; onPerPage?(n: number): void;
}) {
  const { t } = useT();
  const pages = Math.max(1, Math.ceil(total / perPage));
  return (
    <Group justify="space-between" mt="md">
      <Text size="sm" c="dimmed" data-testid="total">{t('common.total', { n: total })}</Text>
      <Group gap="md">
        {onPerPage && (
          <Group gap={6}>
            <Text size="sm" c="dimmed">{t('common.perPage')}</Text>
            <Select w={80} size="xs" data={['10', '25', '50', '100']} value={String(perPage)} allowDeselect={false}
              onChange={(v) => v && onPerPage(Number(v))} aria-label={t('common.perPage')} />
          </Group>
        )}
        {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={onPage} />}
      </Group>
    </Group>
  );
}
