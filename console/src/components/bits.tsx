import { Badge, Code, Tooltip, UnstyledButton, Group, Text } from '@mantine/core';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';

const STATE_COLORS: Record<string, string> = {
  active: 'green', pending: 'yellow', banned: 'red', locked: 'orange', deleted: 'gray', disabled: 'gray',
  verified: 'green', rejected: 'red', submitted: 'blue', drafted: 'gray', replaced: 'blue', enabled: 'green',
  succeed: 'green', failed: 'red', denied: 'red',
};

/** A state (user, profile, label value, activity result) as a coloured badge. */
export function StateBadge({ value }: { value: string | null | undefined }) {
  if (!value) return null;
  return <Badge variant="light" color={STATE_COLORS[value] ?? 'blue'} radius="sm">{value}</Badge>;
}

/** A timestamp in the admin's locale, with the exact ISO time on hover. */
export function When({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <Text span c="dimmed">—</Text>;
  return (
    <Tooltip label={iso} openDelay={400}>
      <Text span size="sm">{dayjs(iso).format('L LT')}</Text>
    </Tooltip>
  );
}

/** A value for a table cell (— when empty). */
export function Val({ children }: { children: ReactNode }) {
  return children === null || children === undefined || children === '' ? <Text span c="dimmed">—</Text> : <>{children}</>;
}

/** A column header that sorts: click toggles ascending / descending. */
export function SortHeader({ label, column, sort, onSort }: {
  label: string; column: string; sort: { by: string; dir: 'asc' | 'desc' }; onSort(by: string, dir: 'asc' | 'desc'): void;
}) {
  const active = sort.by === column;
  const next = active && sort.dir === 'asc' ? 'desc' : 'asc';
  return (
    <UnstyledButton onClick={() => onSort(column, next)} data-testid={`sort-${column}`}>
      <Group gap={4} wrap="nowrap">
        <Text fw={700} size="sm">{label}</Text>
        <Text size="xs" c={active ? 'blue' : 'dimmed'}>{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</Text>
      </Group>
    </UnstyledButton>
  );
}

export function Mono({ children }: { children: ReactNode }) {
  return <Code fz="xs">{children}</Code>;
}
