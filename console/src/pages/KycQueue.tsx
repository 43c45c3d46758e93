import { useCallback, useEffect, useMemo, useState } from 'react';
import { useHotkeys } from '@mantine/hooks';
import { Alert, Badge, Button, Grid, Group, NavLink, Paper, ScrollArea, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { When } from '../components/bits.js';
import { nextItem, queueItem, sameItem, sortQueue, type QueueItem, type ReviewKind } from '../lib/kyc.js';
import type { UserWithKyc } from '../lib/types.js';
import type { Endpoints } from '../api/admin.js';
import type { TextKey } from '../lib/i18n-en.js';
import { ReviewPanel, type Decided } from './KycReview.js';

interface Queue { items: QueueItem[]; users: Map<string, UserWithKyc>; totals: Record<ReviewKind, number> }

/**
 * Everything waiting for a verdict, oldest first: users whose document label is pending or
 * replaced (their KYC detail comes with the list), pending proofs of address and submitted
 * profiles (users by label; their detail is fetched to date the label).
 */
async function loadQueue(api: Endpoints): Promise<Queue> {
  const [docs, addresses, profiles] = await Promise.all([
    api.pendingDocuments({ limit: 100 }),
    api.usersWithLabel('address', 'pending', { limit: 100 }),
    api.usersWithLabel('profile', 'submitted', { limit: 100 }),
  ]);
  const users = new Map(docs.items.map((u) => [u.uid, u]));
  const missing = [...new Set([...addresses.items, ...profiles.items].map((u) => u.uid))].filter((uid) => !users.has(uid));
  for (const u of await Promise.all(missing.map((uid) => api.user(uid)))) users.set(u.uid, u);
  const items: QueueItem[] = [];
  for (const u of docs.items) { const i = queueItem('document', u); if (i) items.push(i); }
  for (const u of addresses.items) { const i = queueItem('address', users.get(u.uid)!); if (i) items.push(i); }
  for (const u of profiles.items) { const i = queueItem('profile', users.get(u.uid)!); if (i) items.push(i); }
  return { items: sortQueue(items), users, totals: { document: docs.total, address: addresses.total, profile: profiles.total } };
}

export function KycQueue() {
  const { t } = useT();
  const { api } = useSession();
  const queue = useLoad(() => loadQueue(api), []);
  const [filter, setFilter] = useState<'all' | ReviewKind>('all');
  const [selected, setSelected] = useState<QueueItem | null>(null);
  const [decided, setDecided] = useState<Decided | null>(null);
  const [upNext, setUpNext] = useState<QueueItem | null>(null);

  const items = useMemo(() => (queue.data?.items ?? []).filter((i) => filter === 'all' || i.kind === filter), [queue.data, filter]);
  const current = items.find((i) => sameItem(i, selected)) ?? null;

  // The oldest item is opened right away; after a verdict, the officer moves on with "next".
  useEffect(() => { if (!selected && !decided && items.length) setSelected(items[0]); }, [items, selected, decided]);

  const goNext = useCallback(() => {
    const target = (upNext && items.find((i) => sameItem(i, upNext))) ?? nextItem(items, current);
    setDecided(null);
    setUpNext(null);
    setSelected(target ?? null);
  }, [items, current, upNext]);

  useHotkeys([['n', goNext]]);

  const onDecided = (d: Decided) => {
    setUpNext(nextItem(items, current));
    setDecided(d);
    setSelected(null);
    queue.reload();
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('kyc.title')}</Title>
        <Text size="sm" c="dimmed">{t('kyc.hotkeys')}</Text>
      </Group>
      <DataState loaded={queue}>
        {(q) => (
          <Grid>
            <Grid.Col span={{ base: 12, md: 4, xl: 3 }}>
              <Paper withBorder radius="md" p="xs">
                <SegmentedControl fullWidth size="xs" value={filter} onChange={(v) => setFilter(v as typeof filter)} mb="xs"
                  data={[{ value: 'all', label: `${t('common.any')} (${q.items.length})` },
                    ...(['document', 'address', 'profile'] as const).map((k) => ({ value: k, label: `${t(`kind.${k}` as TextKey).split(' ')[0]} (${q.totals[k]})` }))]} />
                {items.length === 0 ? <Text c="dimmed" size="sm" p="sm" data-testid="queue-empty">{t('kyc.empty')}</Text> : (
                  <ScrollArea.Autosize mah="70vh">
                    <Stack gap={2} data-testid="queue">
                      {items.map((i) => (
                        <NavLink key={`${i.kind}:${i.uid}`} active={sameItem(i, current)} onClick={() => { setDecided(null); setSelected(i); }}
                          data-testid="queue-item" data-uid={i.uid} data-kind={i.kind}
                          label={<Group gap={6} wrap="nowrap"><Text size="sm" truncate>{i.email}</Text></Group>}
                          description={<Group gap={6}><Badge size="xs" variant="light">{t(`kind.${i.kind}` as TextKey)}</Badge><Text size="xs" c="dimmed"><When iso={i.since} /></Text></Group>} />
                      ))}
                    </Stack>
                  </ScrollArea.Autosize>
                )}
              </Paper>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8, xl: 9 }}>
              {decided && (
                <Alert color="green" variant="light" mb="md" data-testid="verdict-result"
                  title={decided.levelAfter !== decided.levelBefore
                    ? t('kyc.levelChanged', { email: decided.email, from: decided.levelBefore, to: decided.levelAfter })
                    : t('kyc.decided', { email: decided.email })}>
                  <Button size="xs" mt="xs" onClick={goNext} disabled={items.length === 0} data-testid="next-item">{t('kyc.next')} (N)</Button>
                </Alert>
              )}
              {current && q.users.get(current.uid)
                ? <ReviewPanel key={`${current.kind}:${current.uid}`} item={current} user={q.users.get(current.uid)!} onDecided={onDecided} onNext={goNext} />
                : !decided && <Paper withBorder radius="md" p="xl"><Text c="dimmed">{items.length ? t('kyc.select') : t('kyc.empty')}</Text></Paper>}
            </Grid.Col>
          </Grid>
        )}
      </DataState>
    </Stack>
  );
}
