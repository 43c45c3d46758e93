import { useState } from 'react';
import { Badge, Table } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { DataState } from '../../components/DataState.js';
import { Pager } from '../../components/Pager.js';
import { Mono, StateBadge, When } from '../../components/bits.js';

/** The user's API keys (`GET admin/api_keys`, no secrets). */
export function ApiKeysSection({ uid }: { uid: string }) {
  const { t } = useT();
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const keys = useLoad(() => api.apiKeys(uid, { page, limit: 25 }), [uid, page]);
  return (
    <DataState loaded={keys} isEmpty={(p) => p.items.length === 0}>
      {(p) => (
        <>
          <Table striped verticalSpacing="xs" data-testid="api-keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('user.kid')}</Table.Th><Table.Th>{t('user.algorithm')}</Table.Th><Table.Th>{t('user.scope')}</Table.Th>
                <Table.Th>{t('users.state')}</Table.Th><Table.Th>{t('user.createdAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.items.map((k) => (
                <Table.Tr key={k.kid}>
                  <Table.Td><Mono>{k.kid}</Mono></Table.Td>
                  <Table.Td>{k.algorithm}</Table.Td>
                  <Table.Td>{k.scope.map((s) => <Badge key={s} size="xs" variant="outline" mr={4}>{s}</Badge>)}</Table.Td>
                  <Table.Td><StateBadge value={k.state} /></Table.Td>
                  <Table.Td><When iso={k.created_at} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} total={p.total} perPage={p.perPage} onPage={setPage} />
        </>
      )}
    </DataState>
  );
}
