import { useState } from 'react';
import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { StateBadge, Val, When } from '../../components/bits.js';
import type { Label, UserWithKyc } from '../../lib/types.js';

type Edit = { mode: 'add' } | { mode: 'edit'; label: Label } | { mode: 'remove'; label: Label } | null;

/** All labels; private ones (the ones with security meaning) can be added, edited and removed. */
export function LabelsSection({ user, canEdit, canDelete, onChanged }: { user: UserWithKyc; canEdit: boolean; canDelete: boolean; onChanged(): void }) {
  const { t } = useT();
  const { api } = useSession();
  const [edit, setEdit] = useState<Edit>(null);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');
  const close = () => setEdit(null);
  const open = (e: Edit) => {
    setEdit(e);
    setKey(e && e.mode !== 'add' ? e.label.key : '');
    setValue(e && e.mode !== 'add' ? e.label.value : '');
    setDescription(e && e.mode !== 'add' ? e.label.description ?? '' : '');
  };
  const then = async (p: Promise<unknown>) => { await p; onChanged(); };

  return (
    <Stack>
      {canEdit && <Group><Button size="xs" onClick={() => open({ mode: 'add' })} data-testid="add-label">{t('user.addLabel')}</Button></Group>}
      {user.labels.length === 0 ? <Text c="dimmed">{t('user.noItems')}</Text> : (
        <Table striped verticalSpacing="xs" data-testid="labels-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('user.labelKey')}</Table.Th><Table.Th>{t('user.labelValue')}</Table.Th><Table.Th>{t('user.labelScope')}</Table.Th>
              <Table.Th>{t('user.labelDescription')}</Table.Th><Table.Th>{t('users.updated')}</Table.Th><Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {user.labels.map((l) => (
              <Table.Tr key={`${l.key}:${l.scope}`} data-label={`${l.key}:${l.scope}`}>
                <Table.Td><Text size="sm" fw={500}>{l.key}</Text></Table.Td>
                <Table.Td><StateBadge value={l.value} /></Table.Td>
                <Table.Td><Text size="sm" c={l.scope === 'private' ? 'violet' : 'dimmed'}>{l.scope}</Text></Table.Td>
                <Table.Td><Val>{l.description}</Val></Table.Td>
                <Table.Td><When iso={l.updated_at} /></Table.Td>
                <Table.Td>
                  {l.scope === 'private' && (
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      {canEdit && <Button size="compact-xs" variant="subtle" onClick={() => open({ mode: 'edit', label: l })}>{t('common.edit')}</Button>}
                      {canDelete && <Button size="compact-xs" variant="subtle" color="red" onClick={() => open({ mode: 'remove', label: l })}>{t('common.delete')}</Button>}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <ConfirmModal opened={edit?.mode === 'add' || edit?.mode === 'edit'} onClose={close}
        title={edit?.mode === 'edit' ? t('user.editLabel') : t('user.addLabel')} confirmLabel={t('common.save')} disabled={!key.trim() || !value.trim()}
        onConfirm={() => then(edit?.mode === 'edit'
          ? api.updateLabel(user.uid, edit.label.key, edit.label.scope, value.trim(), description.trim())
          : api.addLabel(user.uid, key.trim(), value.trim(), description.trim()))}>
        <TextInput label={t('user.labelKey')} name="key" value={key} onChange={(e) => setKey(e.currentTarget.value)} disabled={edit?.mode === 'edit'} data-autofocus />
        <TextInput label={t('user.labelValue')} name="value" value={value} onChange={(e) => setValue(e.currentTarget.value)} />
        <TextInput label={t('user.labelDescription')} name="description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      </ConfirmModal>

      <ConfirmModal opened={edit?.mode === 'remove'} onClose={close} title={t('user.removeLabel')} color="red" confirmLabel={t('common.delete')}
        message={edit?.mode === 'remove' ? t('user.confirmRemoveLabel', { key: edit.label.key, value: edit.label.value, scope: edit.label.scope }) : undefined}
        onConfirm={() => then(edit?.mode === 'remove' ? api.deleteLabel(user.uid, edit.label.key, edit.label.scope) : Promise.resolve())} />
    </Stack>
  );
}
