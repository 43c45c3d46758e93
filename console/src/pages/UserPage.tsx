import { Anchor, Badge, Breadcrumbs, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { Mono, StateBadge, Val, When } from '../components/bits.js';
import { userPageRights } from '../lib/abilities.js';
import type { UserWithKyc } from '../lib/types.js';
import { ActivitiesSection } from './user/ActivitiesSection.js';
import { ApiKeysSection } from './user/ApiKeysSection.js';
import { CommentsSection } from './user/CommentsSection.js';
import { DocumentsSection, PhonesSection } from './user/DocumentsSection.js';
import { LabelsSection } from './user/LabelsSection.js';
import { ProfileSection } from './user/ProfileSection.js';
import { UserActions } from './user/UserActions.js';

/** One user (`GET admin/users/:uid`, UserWithKYC) with his KYC data, keys, activities and comments. */
export function UserPage() {
  const { uid = '' } = useParams();
  const { t } = useT();
  const { api, abilities, user: me } = useSession();
  const loaded = useLoad(() => api.user(uid), [uid]);
  const [sp, setSp] = useSearchParams();
  const tab = sp.get('tab') ?? 'profile';
  const rights = userPageRights(abilities);

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/users">{t('users.title')}</Anchor>
        <Text>{uid}</Text>
      </Breadcrumbs>
      <DataState loaded={loaded}>
        {(u: UserWithKyc) => (
          <Stack>
            <Paper withBorder radius="md" p="md">
              <Group justify="space-between" align="flex-start">
                <Stack gap={4}>
                  <Title order={2} data-testid="user-email">{u.email}</Title>
                  <Group gap="xs">
                    <Mono>{u.uid}</Mono>
                    <span data-testid="user-state"><StateBadge value={u.state} /></span>
                    <Badge variant="outline" radius="sm" data-testid="user-role">{u.role}</Badge>
                    <Badge variant="light" color="grape" radius="sm" data-testid="user-level">{t('users.level')} {u.level}</Badge>
                    <Badge variant="light" color={u.otp ? 'teal' : 'gray'} radius="sm">2FA {u.otp ? t('common.yes') : t('common.no')}</Badge>
                  </Group>
                </Stack>
                {rights.update && me?.uid !== u.uid && <UserActions user={u} onChanged={loaded.reload} />}
              </Group>
              <SimpleGrid cols={{ base: 2, sm: 4 }} mt="md">
                <Field label={t('user.createdAt')}><When iso={u.created_at} /></Field>
                <Field label={t('users.updated')}><When iso={u.updated_at} /></Field>
                <Field label={t('user.referral')}><Val>{u.referral_uid}</Val></Field>
                <Field label={t('user.username')}><Val>{u.username}</Val></Field>
              </SimpleGrid>
            </Paper>
            <Tabs value={tab} onChange={(v) => setSp(v && v !== 'profile' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="profile">{t('user.profile')}</Tabs.Tab>
                <Tabs.Tab value="labels">{t('user.labels')} ({u.labels.length})</Tabs.Tab>
                <Tabs.Tab value="phones">{t('user.phones')} ({u.phones.length})</Tabs.Tab>
                <Tabs.Tab value="documents">{t('user.documents')} ({u.documents.length})</Tabs.Tab>
                {rights.apiKeys && <Tabs.Tab value="api_keys">{t('user.apiKeys')}</Tabs.Tab>}
                {rights.activities && <Tabs.Tab value="activities">{t('user.activities')}</Tabs.Tab>}
                <Tabs.Tab value="comments">{t('user.comments')} ({u.comments.length})</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="profile" pt="md"><ProfileSection user={u} unmasked={rights.unmasked} /></Tabs.Panel>
              <Tabs.Panel value="labels" pt="md"><LabelsSection user={u} canEdit={rights.labels} canDelete={rights.destroyLabels} onChanged={loaded.reload} /></Tabs.Panel>
              <Tabs.Panel value="phones" pt="md"><PhonesSection user={u} unmasked={rights.unmasked} /></Tabs.Panel>
              <Tabs.Panel value="documents" pt="md"><DocumentsSection user={u} unmasked={rights.unmasked} /></Tabs.Panel>
              {rights.apiKeys && <Tabs.Panel value="api_keys" pt="md"><ApiKeysSection uid={u.uid} /></Tabs.Panel>}
              {rights.activities && <Tabs.Panel value="activities" pt="md"><ActivitiesSection uid={u.uid} /></Tabs.Panel>}
              <Tabs.Panel value="comments" pt="md"><CommentsSection user={u} canWrite={rights.comments} onChanged={loaded.reload} /></Tabs.Panel>
            </Tabs>
          </Stack>
        )}
      </DataState>
    </Stack>
  );
}

export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text size="sm" component="div">{children}</Text>
    </Stack>
  );
}
