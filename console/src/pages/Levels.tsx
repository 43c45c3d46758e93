import { Stack, Table, Text, Title } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { useLoad } from '../app/useLoad.js';
import { DataState } from '../components/DataState.js';
import { Mono } from '../components/bits.js';

/** The levels (`admin/levels`): a user's level is the last one whose private label he holds, walking up from 1. */
export function Levels() {
  const { t } = useT();
  const { api } = useSession();
  const levels = useLoad(() => api.levels(), []);
  return (
    <Stack>
      <Title order={2}>{t('levels.title')}</Title>
      <DataState loaded={levels} isEmpty={(l) => l.length === 0}>
        {(l) => (
          <Table striped maw={600} data-testid="levels-table">
            <Table.Thead><Table.Tr><Table.Th>{t('levels.id')}</Table.Th><Table.Th>{t('levels.requirement')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {l.map((x) => (
                <Table.Tr key={x.id}>
                  <Table.Td><Text fw={700}>{x.id}</Text></Table.Td>
                  <Table.Td><Mono>{x.key}={x.value}</Mono></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </DataState>
    </Stack>
  );
}
