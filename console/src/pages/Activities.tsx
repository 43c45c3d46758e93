import { useState } from 'react';
import { Anchor, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { Link } from 'react-router-dom';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { Pager } from '../components/Pager.js';
import { StateBadge, Val, When } from '../components/bits.js';
import type { AdminActivity, User, UserActivity } from '../lib/types.js';
import { dayToUnix } from '../lib/users-query.js';
import { dataEntries } from '../lib/activity.js';

type Kind = 'user' | 'admin';
type Filters = { topic?: string; action?: string; uid?: string; email?: string; target_uid?: string; from?: string; to?: string };

const who = (u: User | null) => (u
  ? <Anchor component={Link} to={`/users/${encodeURIComponent(u.uid)}`} size="sm" truncate="end" display="block" title={u.email}>{u.email}</Anchor>
  : <Val>{null}</Val>);

/** The audit log (`GET admin/activities`, `admin/activities/admin`) with its filters. */
export function Activities() {
  const { t } = useT();
  const { api } = useSession();
  const [kind, setKind] = useState<Kind>('user');
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const query = { ...filters, from: filters.from ? dayToUnix(filters.from, 'from') : undefined, to: filters.to ? dayToUnix(filters.to, 'to') : undefined, page, limit: 25 };
  const rows = useLoad<{ items: (UserActivity | AdminActivity)[]; total: number; perPage: number }>(
    () => (kind === 'user' ? api.activities({ ...query, target_uid: undefined }) : api.adminActivities(query)), [kind, JSON.stringify(query)]);
  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement>) => { const v = e.currentTarget.value; setDraft((d) => ({ ...d, [k]: v })); };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('activities.title')}</Title>
        <SegmentedControl value={kind} onChange={(v) => { setKind(v as Kind); setPage(1); }} data-testid="activity-kind"
          data={[{ value: 'user', label: t('activities.user') }, { value: 'admin', label: t('activities.admin') }]} />
      </Group>
      <Paper withBorder radius="md" p="md">
        <form onSubmit={(e) => { e.preventDefault(); setFilters(draft); setPage(1); }}>
          <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }}>
            <TextInput label={t('activities.topic')} name="topic" value={draft.topic ?? ''} onChange={set('topic')} />
            <TextInput label={t('activities.action')} name="action" value={draft.action ?? ''} onChange={set('action')} />
            <TextInput label={t('users.email')} name="email" value={draft.email ?? ''} onChange={set('email')} />
            <TextInput label={t('users.uid')} name="uid" value={draft.uid ?? ''} onChange={set('uid')} />
            {kind === 'admin' && <TextInput label={t('activities.targetUid')} name="target_uid" value={draft.target_uid ?? ''} onChange={set('target_uid')} />}
            <DatePickerInput type="range" label={t('users.dates')} clearable valueFormat="YYYY-MM-DD" value={[draft.from ?? null, draft.to ?? null]}
              onChange={(v) => setDraft((d) => ({ ...d, from: v[0] ? String(v[0]).slice(0, 10) : undefined, to: v[1] ? String(v[1]).slice(0, 10) : undefined }))} />
          </SimpleGrid>
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={() => { setDraft({}); setFilters({}); setPage(1); }}>{t('common.reset')}</Button>
            <Button type="submit">{t('common.search')}</Button>
          </Group>
        </form>
      </Paper>
      <DataState loaded={rows} isEmpty={(p) => p.items.length === 0}>
        {(p) => (
          <>
            <ActivityTable rows={p.items} kind={kind} />
            <Pager page={page} total={p.total} perPage={p.perPage} onPage={setPage} />
          </>
        )}
      </DataState>
    </Stack>
  );
}

function ActivityData({ data }: { data: string | null }) {
  const entries = dataEntries(data);
  if (!entries?.length) return <Val>{null}</Val>;
  return (
    <Stack gap={0}>
      {entries.map(([k, v]) => (
        <Text key={k} size="xs" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
          {k && <Text span size="xs" c="dimmed">{k}: </Text>}{v}
        </Text>
      ))}
    </Stack>
  );
}

/** Activity rows; `data` is a JSON string (BARONG.md §1.6), shown compactly with the full text on hover. */
export function ActivityTable({ rows, kind }: { rows: (UserActivity | AdminActivity)[]; kind: Kind }) {
  const { t } = useT();
  return (
    <Table.ScrollContainer minWidth={1120}>
      <Table striped verticalSpacing="xs" layout="fixed" data-testid={`activities-${kind}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={100}>{t('activities.when')}</Table.Th>
            <Table.Th w={170}>{t('activities.who')}</Table.Th>
            {kind === 'admin' && <Table.Th w={170}>{t('activities.target')}</Table.Th>}
            <Table.Th w={90}>{t('activities.topic')}</Table.Th>
            <Table.Th w={110}>{t('activities.action')}</Table.Th>
            <Table.Th w={112}>{t('activities.result')}</Table.Th>
            <Table.Th w={110}>{t('activities.ip')}</Table.Th>
            <Table.Th>{t('activities.data')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a, i) => (
            <Table.Tr key={i}>
              <Table.Td><When iso={a.created_at} /></Table.Td>
              <Table.Td>{who('admin' in a ? a.admin : (a as UserActivity).user)}</Table.Td>
              {kind === 'admin' && <Table.Td>{who((a as AdminActivity).target)}</Table.Td>}
              <Table.Td><Text size="sm">{a.topic}</Text></Table.Td>
              <Table.Td><Text size="sm">{a.action}</Text></Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}><StateBadge value={a.result} /></Table.Td>
              <Table.Td><Tooltip label={`${a.user_ip_country ?? ''} ${a.user_agent}`.trim()} openDelay={300}><Text size="sm">{a.user_ip}</Text></Tooltip></Table.Td>
              <Table.Td><ActivityData data={a.data} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
