import { useEffect, useState } from 'react';
import { Anchor, Autocomplete, Badge, Button, Collapse, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { Pager } from '../components/Pager.js';
import { Mono, SortHeader, StateBadge, Val, When } from '../components/bits.js';
import { KNOWN_ROLES, readListState, USER_STATES, usersQuery, writeListState, type ListState, type UserFilter } from '../lib/users-query.js';
import type { User } from '../lib/types.js';

type Draft = Partial<Record<UserFilter, string>>;

/** `GET admin/users` with every filter, sorting by column and paging; the state lives in the URL. */
export function Users() {
  const { t } = useT();
  const { api } = useSession();
  const [sp, setSp] = useSearchParams();
  const state = readListState(sp);
  const key = sp.toString();
  const users = useLoad(() => api.users(usersQuery(state)), [key]);
  const [draft, setDraft] = useState<Draft>(state.filters);
  const [more, setMore] = useState(Object.keys(state.filters).some((k) => !['email', 'uid', 'role', 'state'].includes(k)));
  useEffect(() => setDraft(readListState(new URLSearchParams(key)).filters), [key]);

  const go = (next: Partial<ListState>) => setSp(writeListState({ ...state, ...next }));
  const set = (k: UserFilter) => (v: string | null) => setDraft((d) => ({ ...d, [k]: v ?? '' }));
  const apply = () => go({ filters: draft, page: 1 });

  return (
    <Stack>
      <Title order={2}>{t('users.title')}</Title>
      <Paper withBorder p="md" radius="md">
        <form onSubmit={(e) => { e.preventDefault(); apply(); }} aria-label="filters">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <TextInput label={t('users.email')} name="email" value={draft.email ?? ''} onChange={(e) => set('email')(e.currentTarget.value)} />
            <TextInput label={t('users.uid')} name="uid" value={draft.uid ?? ''} onChange={(e) => set('uid')(e.currentTarget.value)} />
            <Autocomplete label={t('users.role')} name="role" data={[...KNOWN_ROLES]} value={draft.role ?? ''} onChange={set('role')} />
            <Select label={t('users.state')} name="state" data={[...USER_STATES]} value={draft.state ?? null} onChange={set('state')} clearable placeholder={t('common.any')} />
          </SimpleGrid>
          <Collapse expanded={more}>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mt="sm">
              <NumberInput label={t('users.level')} name="level" min={0} value={draft.level ?? ''} onChange={(v) => set('level')(v === '' ? '' : String(v))} />
              <TextInput label={t('users.country')} name="country" value={draft.country ?? ''} onChange={(e) => set('country')(e.currentTarget.value)} />
              <TextInput label={t('users.firstName')} name="first_name" value={draft.first_name ?? ''} onChange={(e) => set('first_name')(e.currentTarget.value)} />
              <TextInput label={t('users.lastName')} name="last_name" value={draft.last_name ?? ''} onChange={(e) => set('last_name')(e.currentTarget.value)} />
              <Select label={t('users.range')} data={[{ value: 'created', label: t('users.created') }, { value: 'updated', label: t('users.updated') }]}
                value={draft.range ?? 'created'} onChange={set('range')} allowDeselect={false} />
              <DatePickerInput type="range" label={t('users.dates')} clearable valueFormat="YYYY-MM-DD"
                value={[draft.from ?? null, draft.to ?? null]}
                onChange={(v) => setDraft((d) => ({ ...d, from: v[0] ? String(v[0]).slice(0, 10) : '', to: v[1] ? String(v[1]).slice(0, 10) : '' }))} />
            </SimpleGrid>
          </Collapse>
          <Group mt="md" justify="space-between">
            <Button variant="subtle" size="xs" onClick={() => setMore((m) => !m)}>{t('users.moreFilters')}</Button>
            <Group>
              <Button variant="default" onClick={() => { setDraft({}); go({ filters: {}, page: 1 }); }}>{t('users.clear')}</Button>
              <Button type="submit" data-testid="apply-filters">{t('common.search')}</Button>
            </Group>
          </Group>
        </form>
      </Paper>
      <DataState loaded={users} isEmpty={(p) => p.items.length === 0} empty={t('users.empty')}>
        {(p) => (
          <>
            <UserTable users={p.items} sort={state.sort} onSort={(by, dir) => go({ sort: { by, dir }, page: 1 })} />
            <Pager page={state.page} total={p.total} perPage={state.limit} onPage={(page) => go({ page })} onPerPage={(limit) => go({ limit, page: 1 })} />
          </>
        )}
      </DataState>
    </Stack>
  );
}

function UserTable({ users, sort, onSort }: { users: User[]; sort: ListState['sort']; onSort(by: string, dir: 'asc' | 'desc'): void }) {
  const { t } = useT();
  const navigate = useNavigate();
  const th = (label: string, column: string) => <Table.Th><SortHeader label={label} column={column} sort={sort} onSort={onSort} /></Table.Th>;
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            {th(t('users.email'), 'email')}
            {th(t('users.uid'), 'uid')}
            <Table.Th>{t('users.name')}</Table.Th>
            {th(t('users.role'), 'role')}
            {th(t('users.level'), 'level')}
            {th(t('users.state'), 'state')}
            <Table.Th>{t('users.otp')}</Table.Th>
            {th(t('users.created'), 'created_at')}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => {
            const p = u.profiles?.[0];
            const name = [p?.first_name, p?.last_name].filter(Boolean).join(' ');
            const open = () => navigate(`/users/${encodeURIComponent(u.uid)}`);
            return (
              <Table.Tr key={u.uid} data-uid={u.uid} tabIndex={0} style={{ cursor: 'pointer' }} onClick={open}
                onKeyDown={(e) => { if (e.key === 'Enter') open(); }}>
                <Table.Td><Anchor component={Link} to={`/users/${encodeURIComponent(u.uid)}`} onClick={(e) => e.stopPropagation()}>{u.email}</Anchor></Table.Td>
                <Table.Td><Mono>{u.uid}</Mono></Table.Td>
                <Table.Td><Val>{name}</Val></Table.Td>
                <Table.Td><Badge variant="outline" radius="sm">{u.role}</Badge></Table.Td>
                <Table.Td>{u.level}</Table.Td>
                <Table.Td><StateBadge value={u.state} /></Table.Td>
                <Table.Td><Text size="sm">{u.otp ? t('common.yes') : t('common.no')}</Text></Table.Td>
                <Table.Td><When iso={u.created_at} /></Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
