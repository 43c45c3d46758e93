import { useMemo, useState } from 'react';
import { Alert, Autocomplete, Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { allPages } from '../api/admin.js';
import { ConfirmModal } from '../components/ConfirmModal.js';
import { DataState } from '../components/DataState.js';
import { Mono, Val } from '../components/bits.js';
import { can } from '../lib/abilities.js';
import type { Permission } from '../lib/types.js';

const VERBS = ['ALL', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
const ACTIONS = ['ACCEPT', 'DROP', 'AUDIT'];
const ACTION_COLORS: Record<string, string> = { ACCEPT: 'green', DROP: 'red', AUDIT: 'blue' };

type Form = { id?: number; role: string; verb: string; path: string; action: string; topic: string };
const EMPTY: Form = { role: '', verb: 'GET', path: '', action: 'ACCEPT', topic: '' };

/** The gateway's role rules (`admin/permissions`): read for roles that may, edited by superadmins only. */
export function Permissions() {
  const { t } = useT();
  const { api, abilities, user } = useSession();
  const rows = useLoad(() => allPages(api.permissions), []);
  const [role, setRole] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const [form, setForm] = useState<Form | null>(null);
  const [removing, setRemoving] = useState<Permission | null>(null);
  const editable = user?.role === 'superadmin' && can(abilities, 'update', 'Permission');
  const roles = useMemo(() => [...new Set((rows.data ?? []).map((p) => p.role))].sort(), [rows.data]);
  const shown = (rows.data ?? []).filter((p) => (!role || p.role === role) && (!path.trim() || p.path.includes(path.trim())));
  const field = (k: keyof Form) => (v: string | null) => setForm((f) => (f ? { ...f, [k]: v ?? '' } : f));

  const save = async () => {
    const f = form!;
    const body = { role: f.role.trim(), verb: f.verb, path: f.path.trim(), action: f.action, topic: f.topic.trim() || undefined };
    if (f.id) await api.updatePermission({ id: f.id, ...body });
    else await api.createPermission(body);
    rows.reload();
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('permissions.title')}</Title>
        {editable && <Button onClick={() => setForm({ ...EMPTY })} data-testid="add-permission">{t('permissions.add')}</Button>}
      </Group>
      {!editable && <Alert variant="light" color="gray">{t('permissions.superadminOnly')}</Alert>}
      <Group>
        <Select label={t('permissions.filterRole')} data={roles} value={role} onChange={setRole} clearable placeholder={t('common.any')} w={200} />
        <TextInput label={t('permissions.path')} value={path} onChange={(e) => setPath(e.currentTarget.value)} w={280} />
      </Group>
      <DataState loaded={rows} isEmpty={(d) => d.length === 0}>
        {() => (
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover verticalSpacing={6} data-testid="permissions-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th><Table.Th>{t('permissions.role')}</Table.Th><Table.Th>{t('permissions.verb')}</Table.Th>
                  <Table.Th>{t('permissions.path')}</Table.Th><Table.Th>{t('permissions.action')}</Table.Th><Table.Th>{t('permissions.topic')}</Table.Th>
                  {editable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td><Text size="xs" c="dimmed">{p.id}</Text></Table.Td>
                    <Table.Td><Badge variant="outline" radius="sm">{p.role}</Badge></Table.Td>
                    <Table.Td><Text size="sm" ff="monospace">{p.verb}</Text></Table.Td>
                    <Table.Td><Mono>{p.path}</Mono></Table.Td>
                    <Table.Td><Badge color={ACTION_COLORS[p.action] ?? 'gray'} variant="light" radius="sm">{p.action}</Badge></Table.Td>
                    <Table.Td><Val>{p.topic}</Val></Table.Td>
                    {editable && (
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button size="compact-xs" variant="subtle" onClick={() => setForm({ id: p.id, role: p.role, verb: p.verb, path: p.path, action: p.action, topic: p.topic ?? '' })}>{t('common.edit')}</Button>
                          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRemoving(p)}>{t('common.delete')}</Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </DataState>

      <ConfirmModal opened={!!form} onClose={() => setForm(null)} title={form?.id ? t('permissions.edit') : t('permissions.add')} confirmLabel={t('common.save')}
        disabled={!form?.role.trim() || !form?.path.trim()} onConfirm={save}>
        {form && (
          <>
            <Autocomplete label={t('permissions.role')} data={roles} value={form.role} onChange={field('role')} name="role" data-autofocus comboboxProps={{ withinPortal: false }} />
            <Group grow>
              <Select label={t('permissions.verb')} data={VERBS} value={form.verb} onChange={field('verb')} allowDeselect={false} name="verb" comboboxProps={{ withinPortal: false }} />
              <Select label={t('permissions.action')} data={ACTIONS} value={form.action} onChange={field('action')} allowDeselect={false} name="action" comboboxProps={{ withinPortal: false }} />
            </Group>
            <TextInput label={t('permissions.path')} placeholder="api/v2/barong/resource" value={form.path} onChange={(e) => field('path')(e.currentTarget.value)} name="path" />
            <TextInput label={t('permissions.topic')} value={form.topic} onChange={(e) => field('topic')(e.currentTarget.value)} name="topic" />
          </>
        )}
      </ConfirmModal>
      <ConfirmModal opened={!!removing} onClose={() => setRemoving(null)} title={t('common.delete')} color="red" confirmLabel={t('common.delete')}
        message={removing ? t('permissions.confirmDelete', { verb: removing.verb, path: removing.path, action: removing.action, role: removing.role }) : undefined}
        onConfirm={async () => { await api.deletePermission(removing!.id); rows.reload(); }} />
    </Stack>
  );
}
