import { useState } from 'react';
import { Badge, Button, Group, NumberInput, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { allPages } from '../api/admin.js';
import { ConfirmModal } from '../components/ConfirmModal.js';
import { DataState } from '../components/DataState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Mono, Val, When } from '../components/bits.js';
import { can } from '../lib/abilities.js';
import type { Restriction } from '../lib/types.js';
import { WhitelinkButton } from './Whitelink.js';

export const CATEGORIES = ['whitelist', 'maintenance', 'blacklist', 'blocklogin'];
export const SCOPES = ['all', 'ip', 'ip_subnet', 'continent', 'country'];
const CATEGORY_COLORS: Record<string, string> = { whitelist: 'green', maintenance: 'orange', blacklist: 'red', blocklogin: 'grape' };

type Form = { id?: number; category: string; scope: string; value: string; code: number | ''; enabled: boolean };
const EMPTY: Form = { category: 'blacklist', scope: 'ip', value: '', code: '', enabled: true };

/** Traffic rules of the gateway check (`admin/restrictions`) and whitelinks. */
export function Restrictions() {
  const { t } = useT();
  const { api, abilities } = useSession();
  const [category, setCategory] = useState<string | null>(null);
  const [scope, setScope] = useState<string | null>(null);
  const rows = useLoad(() => allPages((q) => api.restrictions({ ...q, category, scope })), [category, scope]);
  const [form, setForm] = useState<Form | null>(null);
  const [removing, setRemoving] = useState<Restriction | null>(null);
  const [toggleError, setToggleError] = useState<unknown>(null);
  const canCreate = can(abilities, 'create', 'Restriction');
  const canUpdate = can(abilities, 'update', 'Restriction');
  const canDestroy = can(abilities, 'destroy', 'Restriction');
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => (f ? { ...f, [k]: v } : f));

  const save = async () => {
    const f = form!;
    const body = { category: f.category, scope: f.scope, value: f.value.trim(), code: f.code === '' ? undefined : f.code, state: f.enabled ? 'enabled' : 'disabled' };
    if (f.id) await api.updateRestriction({ id: f.id, ...body });
    else await api.createRestriction(body);
    rows.reload();
  };
  const toggle = async (r: Restriction) => {
    setToggleError(null);
    try { await api.updateRestriction({ id: r.id, state: r.state === 'enabled' ? 'disabled' : 'enabled' }); rows.reload(); } catch (e) { setToggleError(e); }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('restrictions.title')}</Title>
        <Group>
          {canCreate && <WhitelinkButton />}
          {canCreate && <Button onClick={() => setForm({ ...EMPTY })} data-testid="add-restriction">{t('restrictions.add')}</Button>}
        </Group>
      </Group>
      <Group>
        <Select label={t('restrictions.category')} data={CATEGORIES} value={category} onChange={setCategory} clearable placeholder={t('common.any')} w={180} />
        <Select label={t('restrictions.scope')} data={SCOPES} value={scope} onChange={setScope} clearable placeholder={t('common.any')} w={180} />
      </Group>
      {toggleError ? <ErrorAlert error={toggleError} /> : null}
      <DataState loaded={rows} isEmpty={(d) => d.length === 0}>
        {(list) => (
          <Table striped highlightOnHover verticalSpacing={6} data-testid="restrictions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th><Table.Th>{t('restrictions.category')}</Table.Th><Table.Th>{t('restrictions.scope')}</Table.Th>
                <Table.Th>{t('restrictions.value')}</Table.Th><Table.Th>{t('restrictions.code')}</Table.Th><Table.Th>{t('restrictions.enabled')}</Table.Th>
                <Table.Th>{t('users.updated')}</Table.Th><Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((r) => (
                <Table.Tr key={r.id} data-value={r.value}>
                  <Table.Td><Text size="xs" c="dimmed">{r.id}</Text></Table.Td>
                  <Table.Td><Badge color={CATEGORY_COLORS[r.category] ?? 'gray'} variant="light" radius="sm">{r.category}</Badge></Table.Td>
                  <Table.Td>{r.scope}</Table.Td>
                  <Table.Td><Mono>{r.value}</Mono></Table.Td>
                  <Table.Td><Val>{r.code}</Val></Table.Td>
                  <Table.Td><Switch checked={r.state === 'enabled'} disabled={!canUpdate} onChange={() => void toggle(r)} aria-label={`${r.category} ${r.value}`} /></Table.Td>
                  <Table.Td><When iso={r.updated_at} /></Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      {canUpdate && <Button size="compact-xs" variant="subtle" onClick={() => setForm({ id: r.id, category: r.category, scope: r.scope, value: r.value, code: r.code ?? '', enabled: r.state === 'enabled' })}>{t('common.edit')}</Button>}
                      {canDestroy && <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRemoving(r)}>{t('common.delete')}</Button>}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </DataState>

      <ConfirmModal opened={!!form} onClose={() => setForm(null)} title={form?.id ? t('restrictions.edit') : t('restrictions.add')} confirmLabel={t('common.save')}
        disabled={!form?.value.trim()} onConfirm={save}>
        {form && (
          <>
            <Group grow>
              <Select label={t('restrictions.category')} data={CATEGORIES} value={form.category} onChange={(v) => set('category', v ?? 'blacklist')} allowDeselect={false} name="category" comboboxProps={{ withinPortal: false }} />
              <Select label={t('restrictions.scope')} data={SCOPES} value={form.scope} onChange={(v) => set('scope', v ?? 'ip')} allowDeselect={false} name="scope" comboboxProps={{ withinPortal: false }} />
            </Group>
            <TextInput label={t('restrictions.value')} name="value" value={form.value} onChange={(e) => set('value', e.currentTarget.value)} data-autofocus
              placeholder={form.scope === 'ip' ? '203.0.113.7' : form.scope === 'ip_subnet' ? '203.0.113.0/24' : form.scope === 'country' ? 'DE' : ''} />
            <Group grow align="flex-end">
              <NumberInput label={t('restrictions.code')} name="code" value={form.code} onChange={(v) => set('code', typeof v === 'number' ? v : '')} min={100} max={999} />
              <Switch label={t('restrictions.enabled')} checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} mb={8} />
            </Group>
          </>
        )}
      </ConfirmModal>
      <ConfirmModal opened={!!removing} onClose={() => setRemoving(null)} title={t('common.delete')} color="red" confirmLabel={t('common.delete')}
        message={removing ? t('restrictions.confirmDelete', { category: removing.category, scope: removing.scope, value: removing.value }) : undefined}
        onConfirm={async () => { await api.deleteRestriction(removing!.id); rows.reload(); }} />
    </Stack>
  );
}
