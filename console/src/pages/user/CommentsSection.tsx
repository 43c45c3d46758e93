import { useState } from 'react';
import { Button, Group, Paper, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { Mono, When } from '../../components/bits.js';
import type { Comment, UserWithKyc } from '../../lib/types.js';

type Edit = { mode: 'add' } | { mode: 'edit'; c: Comment } | { mode: 'delete'; c: Comment } | null;

/** Admins' notes on the user (`admin/users/comments`). */
export function CommentsSection({ user, canWrite, onChanged }: { user: UserWithKyc; canWrite: boolean; onChanged(): void }) {
  const { t } = useT();
  const { api } = useSession();
  const [edit, setEdit] = useState<Edit>(null);
  const [title, setTitle] = useState('');
  const [data, setData] = useState('');
  const open = (e: Edit) => {
    setEdit(e);
    setTitle(e && e.mode !== 'add' ? e.c.title : '');
    setData(e && e.mode !== 'add' ? e.c.data : '');
  };
  const then = async (p: Promise<unknown>) => { await p; onChanged(); };
  return (
    <Stack>
      {canWrite && <Group><Button size="xs" onClick={() => open({ mode: 'add' })} data-testid="add-comment">{t('user.addComment')}</Button></Group>}
      {user.comments.length === 0 && <Text c="dimmed">{t('user.noItems')}</Text>}
      {user.comments.map((c) => (
        <Paper key={c.id} withBorder radius="md" p="sm" data-testid="comment">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text fw={600}>{c.title}</Text>
              <Text size="xs" c="dimmed">{t('user.author')}: <Mono>{c.author_uid}</Mono> · <When iso={c.created_at} /></Text>
            </Stack>
            {canWrite && (
              <Group gap={4}>
                <Button size="compact-xs" variant="subtle" onClick={() => open({ mode: 'edit', c })}>{t('common.edit')}</Button>
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => open({ mode: 'delete', c })}>{t('common.delete')}</Button>
              </Group>
            )}
          </Group>
          <Text size="sm" mt={6} style={{ whiteSpace: 'pre-wrap' }}>{c.data}</Text>
        </Paper>
      ))}
      <ConfirmModal opened={edit?.mode === 'add' || edit?.mode === 'edit'} onClose={() => setEdit(null)} confirmLabel={t('common.save')}
        title={edit?.mode === 'edit' ? t('user.editComment') : t('user.addComment')} disabled={!title.trim() || !data.trim()}
        onConfirm={() => then(edit?.mode === 'edit' ? api.updateComment(edit.c.id, title.trim(), data.trim()) : api.addComment(user.uid, title.trim(), data.trim()))}>
        <TextInput label={t('user.commentTitle')} name="title" maxLength={64} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-autofocus />
        <Textarea label={t('user.commentText')} name="data" autosize minRows={3} value={data} onChange={(e) => setData(e.currentTarget.value)} />
      </ConfirmModal>
      <ConfirmModal opened={edit?.mode === 'delete'} onClose={() => setEdit(null)} title={t('common.delete')} color="red" confirmLabel={t('common.delete')}
        message={edit?.mode === 'delete' ? edit.c.title : undefined}
        onConfirm={() => then(edit?.mode === 'delete' ? api.deleteComment(edit.c.id) : Promise.resolve())} />
    </Stack>
  );
}
