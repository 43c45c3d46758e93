import { useState } from 'react';
import { Anchor, Badge, Button, Grid, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { Link } from 'react-router-dom';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { config } from '../config.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Mono, When } from '../components/bits.js';
import { filesFor, verdictCall, type QueueItem, type Verdict } from '../lib/kyc.js';
import type { TextKey } from '../lib/i18n-en.js';
import type { UserWithKyc } from '../lib/types.js';
import { userPageRights } from '../lib/abilities.js';
import { translate } from '../lib/i18n.js';
import { DocumentGrid } from './user/DocumentsSection.js';
import { ProfileCard } from './user/ProfileSection.js';

export interface Decided { email: string; verdict: Verdict; levelBefore: number; levelAfter: number }

const BUILT_IN_REASONS: TextKey[] = ['reason.unreadable', 'reason.expired', 'reason.mismatch', 'reason.incomplete', 'reason.unsupported'];
const OTHER = '__other__';
const tEn = (k: TextKey) => translate('en', k);

/**
 * One queue item: the files and the profile side by side, and the verdict with a reason (from
 * CONSOLE_REJECT_REASONS or the built-in list, or free text) and an optional message for the
 * user. The answer shows the user's level before and after.
 */
export function ReviewPanel({ item, user, onDecided, onNext }: { item: QueueItem; user: UserWithKyc; onDecided(d: Decided): void; onNext(): void }) {
  const { t } = useT();
  const { api, abilities } = useSession();
  const [reason, setReason] = useState<string | null>(null);
  const [reasonText, setReasonText] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Verdict | null>(null);
  const [error, setError] = useState<unknown>(null);
  const unmasked = userPageRights(abilities).unmasked;

  // Configured reasons are stored as written; the built-in ones in English, shown in the admin's language.
  const reasons = config.rejectReasons.length
    ? config.rejectReasons.map((r) => ({ value: r, label: r }))
    : BUILT_IN_REASONS.map((k) => ({ value: tEn(k), label: t(k) }));
  const reasonValue = reason === OTHER ? reasonText.trim() : reason ?? (reasonText.trim() || null);

  const decide = async (verdict: Verdict) => {
    if (busy) return;
    if (verdict === 'rejected' && !reasonValue) { setError(new Error('reason')); return; }
    setBusy(verdict);
    setError(null);
    try {
      const call = verdictCall(item.kind, user.uid, verdict, reasonValue ?? undefined, comment);
      if (call.method === 'PUT') await api.setProfileState(user.uid, verdict, call.params.reason);
      else await api.updateLabelVerdict(call.params);
      const after = await api.user(user.uid);
      onDecided({ email: user.email, verdict, levelBefore: user.level, levelAfter: after.level });
    } catch (e) {
      setError(e);
      setBusy(null);
    }
  };
  useHotkeys([['a', () => void decide('verified')], ['r', () => void decide('rejected')]]);

  const files = filesFor(item.kind, user.documents);
  const profile = user.profiles.find((p) => p.state === 'submitted') ?? user.profiles[user.profiles.length - 1];
  return (
    <Paper withBorder radius="md" p="md" data-testid="review-panel">
      <Stack>
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={4} data-testid="review-email">{user.email}</Title>
            <Group gap="xs">
              <Mono>{user.uid}</Mono>
              <Badge variant="light">{t(`kind.${item.kind}` as TextKey)}</Badge>
              <Badge variant="light" color="grape" data-testid="review-level">{t('users.level')} {user.level}</Badge>
              <Text size="xs" c="dimmed">{t('kyc.waitingSince')} <When iso={item.since} /></Text>
            </Group>
          </Stack>
          <Anchor component={Link} to={`/users/${encodeURIComponent(user.uid)}`} size="sm">{t('kyc.openUser')}</Anchor>
        </Group>
        <Grid>
          {item.kind !== 'profile' && (
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Text fw={600} mb={6}>{t('kyc.files')}</Text>
              {files.length ? <DocumentGrid docs={files} unmasked={unmasked} height={320} cols={{ base: 1, sm: files.length > 1 ? 2 : 1 }} /> : <Text c="dimmed" size="sm">{t('user.noItems')}</Text>}
            </Grid.Col>
          )}
          <Grid.Col span={{ base: 12, lg: item.kind === 'profile' ? 12 : 5 }}>
            <Text fw={600} mb={6}>{t('kyc.profileData')}</Text>
            {profile ? <ProfileCard profile={profile} unmasked={unmasked} cols={{ base: 1, xs: 2 }} /> : <Text c="dimmed" size="sm">{t('user.noProfile')}</Text>}
          </Grid.Col>
        </Grid>
        <Paper bg="gray.0" radius="md" p="md">
          <Stack gap="sm">
            <Grid>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select label={t('kyc.reason')} data={[...reasons, { value: OTHER, label: t('kyc.otherReason') }]} value={reason} onChange={setReason}
                  clearable name="reason" comboboxProps={{ withinPortal: true }} data-testid="reason-select" />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label={t('kyc.reasonText')} name="reason_text" value={reasonText} onChange={(e) => setReasonText(e.currentTarget.value)}
                  disabled={reason !== null && reason !== OTHER} />
              </Grid.Col>
            </Grid>
            <Textarea label={t('kyc.comment')} description={t('kyc.commentHint')} name="comment" autosize minRows={2} maxLength={200}
              value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
            {error instanceof Error && error.message === 'reason'
              ? <Text c="red" size="sm" role="alert">{t('kyc.reasonRequired')}</Text>
              : error ? <ErrorAlert error={error} /> : null}
            <Group justify="space-between">
              <Button variant="default" onClick={onNext} data-testid="skip-item">{t('kyc.next')} (N)</Button>
              <Group>
                <Button color="red" variant="light" loading={busy === 'rejected'} onClick={() => void decide('rejected')} data-testid="reject">{t('kyc.reject')} (R)</Button>
                <Button color="green" loading={busy === 'verified'} onClick={() => void decide('verified')} data-testid="approve">{t('kyc.approve')} (A)</Button>
              </Group>
            </Group>
          </Stack>
        </Paper>
      </Stack>
    </Paper>
  );
}
