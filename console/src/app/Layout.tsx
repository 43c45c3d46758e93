import { AppShell, Badge, Burger, Button, Group, NavLink, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, useLocation } from 'react-router-dom';
import { config } from '../config.js';
import { visibleSections, type Section } from '../lib/abilities.js';
import type { Lang } from '../lib/i18n.js';
import type { TextKey } from '../lib/i18n-en.js';
import { useT } from './i18n.js';
import { useSession } from './session.js';

export const SECTION_PATHS: Record<Section, string> = {
  dashboard: '/', users: '/users', kyc: '/kyc', permissions: '/permissions', restrictions: '/restrictions', levels: '/levels', activities: '/activities',
};

export function LangSwitch() {
  const { lang, setLang, t } = useT();
  return (
    <SegmentedControl size="xs" value={lang} onChange={(v) => setLang(v as Lang)} aria-label={t('app.language')}
      data={[{ value: 'en', label: 'EN' }, { value: 'ru', label: 'RU' }]} />
  );
}

/** The frame of every signed-in page: navigation (only what the abilities allow), who is signed in, sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useT();
  const { user, abilities, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const sections = visibleSections(abilities);
  const isActive = (s: Section) => (s === 'dashboard' ? location.pathname === '/' : location.pathname.startsWith(SECTION_PATHS[s]));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="menu" />
            <Title order={4}>{t('app.title')}</Title>
          </Group>
          <Group gap="sm">
            <LangSwitch />
            <Stack gap={0} align="flex-end" visibleFrom="xs">
              <Text size="sm" fw={500} data-testid="me-email">{user?.email}</Text>
              <Badge size="xs" variant="outline">{user?.role}</Badge>
            </Stack>
            <Button variant="default" size="xs" onClick={() => void signOut()} data-testid="sign-out">{t('nav.signOut')}</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="sections">
        {sections.map((s) => (
          <NavLink key={s} component={RouterLink} to={SECTION_PATHS[s]} label={t(`nav.${s}` as TextKey)} active={isActive(s)} onClick={close}
            data-testid={`nav-${s}`} />
        ))}
        {config.version && <Text size="xs" c="dimmed" mt="auto" px="sm">Warden {config.version}</Text>}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
