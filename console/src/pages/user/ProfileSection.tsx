import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { StateBadge, Val, When } from '../../components/bits.js';
import { maskDate, maskName } from '../../lib/mask.js';
import type { Profile, UserWithKyc } from '../../lib/types.js';
import { Field } from '../UserPage.js';

/** Profile fields; last name and date of birth hidden unless the role may read profiles. */
export function ProfileCard({ profile: p, unmasked, cols = { base: 1, xs: 2, md: 3 } }: { profile: Profile; unmasked: boolean; cols?: Record<string, number> }) {
  const { t } = useT();
  const hidden = (v: string | null) => (unmasked ? v : v ? <Text span size="sm" title={t('user.masked')}>{v}</Text> : null);
  return (
    <Paper withBorder radius="md" p="md" data-testid="profile">
      <SimpleGrid cols={cols}>
        <Field label={t('users.firstName')}><Val>{p.first_name}</Val></Field>
        <Field label={t('users.lastName')}><Val>{hidden(unmasked ? p.last_name : maskName(p.last_name))}</Val></Field>
        <Field label={t('user.dob')}><Val>{hidden(unmasked ? p.dob : maskDate(p.dob))}</Val></Field>
        <Field label={t('users.country')}><Val>{p.country}</Val></Field>
        <Field label={t('user.city')}><Val>{p.city}</Val></Field>
        <Field label={t('user.postcode')}><Val>{p.postcode}</Val></Field>
        <Field label={t('user.address')}><Val>{p.address}</Val></Field>
        <Field label={t('user.profileState')}><StateBadge value={p.state} /></Field>
        <Field label={t('users.updated')}><When iso={p.updated_at} /></Field>
      </SimpleGrid>
    </Paper>
  );
}

export function ProfileSection({ user, unmasked }: { user: UserWithKyc; unmasked: boolean }) {
  const { t } = useT();
  if (!user.profiles.length) return <Text c="dimmed">{t('user.noProfile')}</Text>;
  return <Stack>{user.profiles.map((p, i) => <ProfileCard key={`${p.created_at}-${i}`} profile={p} unmasked={unmasked} />)}</Stack>;
}
