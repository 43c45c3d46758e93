import { useState } from 'react';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { DataState } from '../../components/DataState.js';
import { Pager } from '../../components/Pager.js';
import { ActivityTable } from '../Activities.js';

/** The user's own activities (`GET admin/activities?uid=`), newest first. */
export function ActivitiesSection({ uid }: { uid: string }) {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const rows = useLoad(() => api.activities({ uid, page, limit: 25 }), [uid, page]);
  return (
    <DataState loaded={rows} isEmpty={(p) => p.items.length === 0}>
      {(p) => (
        <>
          <ActivityTable rows={p.items} kind="user" />
          <Pager page={page} total={p.total} perPage={p.perPage} onPage={setPage} />
        </>
      )}
    </DataState>
  );
}
