import { useMemo, useState } from 'react';
import { Anchor, Card, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { Link } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { canOpen } from '../lib/abilities.js';
import { lastDays, summarize, type DayPoint } from '../lib/metrics.js';

const PRESETS = [7, 30, 90] as const;

function Stat({ label, value, testId, children }: { label: string; value: number; testId: string; children?: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{label}</Text>
      <Text fz={28} fw={700} data-testid={testId}>{value}</Text>
      {children}
    </Paper>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <Card withBorder radius="md" p="md">
      <Text fw={600} mb="sm">{title}</Text>
      <div style={{ width: '100%', height: 260 }}><ResponsiveContainer>{children}</ResponsiveContainer></div>
    </Card>
  );
}

const shortDay = (d: string) => d.slice(5);

/** `admin/metrics` for a period as charts: sign-ups and logins, failed logins, the KYC backlog. */
export function Dashboard() {
  const { t } = useT();
  const { api, abilities } = useSession();
  const [preset, setPreset] = useState<string>('30');
  const [range, setRange] = useState<[string | null, string | null]>(() => { const r = lastDays(30); return [r.from, r.to]; });
  const [from, to] = range;
  const metrics = useLoad(() => (from && to ? api.metrics(from, to) : Promise.reject(new Error('range'))), [from, to]);
  const summary = useMemo(() => (metrics.data && from && to ? summarize(metrics.data, from, to) : null), [metrics.data, from, to]);

  const choosePreset = (v: string) => {
    setPreset(v);
    if (v !== 'custom') { const r = lastDays(Number(v)); setRange([r.from, r.to]); }
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('dashboard.title')}</Title>
        <Group align="flex-end">
          <SegmentedControl value={preset} onChange={choosePreset} aria-label={t('dashboard.period')}
            data={[...PRESETS.map((n) => ({ value: String(n), label: t('dashboard.days', { n }) })), { value: 'custom', label: '…' }]} />
          <DatePickerInput type="range" w={260} label={t('dashboard.period')} value={range} maxDate={new Date()} valueFormat="YYYY-MM-DD"
            onChange={(v) => { setPreset('custom'); setRange([v[0] ? String(v[0]).slice(0, 10) : null, v[1] ? String(v[1]).slice(0, 10) : null]); }} />
        </Group>
      </Group>
      {!(from && to) ? <Text c="dimmed">{t('dashboard.badRange')}</Text> : (
        <DataState loaded={metrics}>
          {() => summary && <Charts points={summary.points} totals={summary.totals} pending={summary.pending} showQueue={canOpen(abilities, 'kyc')} />}
        </DataState>
      )}
    </Stack>
  );
}

function Charts({ points, totals, pending, showQueue }: { points: DayPoint[]; totals: { signups: number; logins: number; failed: number }; pending: number; showQueue: boolean }) {
  const { t } = useT();
  const data = points.map((p) => ({ ...p, label: shortDay(p.day) }));
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Stat label={t('dashboard.signups')} value={totals.signups} testId="stat-signups" />
        <Stat label={t('dashboard.logins')} value={totals.logins} testId="stat-logins" />
        <Stat label={t('dashboard.failed')} value={totals.failed} testId="stat-failed" />
        <Stat label={t('dashboard.pending')} value={pending} testId="stat-pending">
          {showQueue && pending > 0 && <Anchor component={Link} to="/kyc" size="sm">{t('dashboard.openQueue')}</Anchor>}
        </Stat>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard title={t('dashboard.activityChart')}>
          <LineChart data={data} margin={{ top: 5, right: 16, bottom: 5, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
            <XAxis dataKey="label" fontSize={11} minTickGap={16} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="signups" name={t('dashboard.signups')} stroke="#228be6" strokeWidth={2} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="logins" name={t('dashboard.logins')} stroke="#40c057" strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ChartCard>
        <ChartCard title={t('dashboard.failedChart')}>
          <BarChart data={data} margin={{ top: 5, right: 16, bottom: 5, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
            <XAxis dataKey="label" fontSize={11} minTickGap={16} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Bar dataKey="failed" name={t('dashboard.failed')} fill="#fa5252" isAnimationActive={false} />
          </BarChart>
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}
