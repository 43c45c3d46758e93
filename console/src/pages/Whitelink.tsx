import { useState } from 'react';
import { Alert, Button, CopyButton, Group, NumberInput, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { ConfirmModal } from '../components/ConfirmModal.js';

/** The link a whitelink token becomes: the console's own access page (pages/Access.tsx). */
export const whitelinkUrl = (origin: string, token: string) => `${origin}/admin/access?token=${encodeURIComponent(token)}`;

/** Creates a whitelink (`admin/restrictions/whitelink`) and offers its link for copying. */
export function WhitelinkButton() {
  const { t } = useT();
  const { api } = useSession();
  const [open, setOpen] = useState(false);
  const [expire, setExpire] = useState<number>(1);
  const [range, setRange] = useState<'day' | 'hour'>('day');
  const [link, setLink] = useState<string | null>(null);

  return (
    <>
      <Button variant="light" onClick={() => { setLink(null); setOpen(true); }} data-testid="whitelink">{t('restrictions.whitelinkCreate')}</Button>
      <ConfirmModal opened={open && !link} onClose={() => setOpen(false)} title={t('restrictions.whitelinkCreate')} confirmLabel={t('restrictions.whitelinkCreate')}
        onConfirm={async () => {
          const r = await api.whitelink(expire, range);
          setLink(whitelinkUrl(window.location.origin, r.whitelink_token));
        }} closeOnConfirm={false}>
        <Text size="sm">{t('restrictions.whitelinkHint')}</Text>
        <Group align="flex-end">
          <NumberInput label={t('restrictions.expireTime')} min={1} max={30} value={expire} onChange={(v) => setExpire(typeof v === 'number' ? v : 1)} w={120} />
          <SegmentedControl value={range} onChange={(v) => setRange(v as 'day' | 'hour')}
            data={[{ value: 'day', label: t('restrictions.rangeDay') }, { value: 'hour', label: t('restrictions.rangeHour') }]} />
        </Group>
      </ConfirmModal>
      <ConfirmModal opened={open && !!link} onClose={() => setOpen(false)} title={t('restrictions.whitelinkReady')} confirmLabel="OK" hideCancel onConfirm={async () => undefined}>
        <Alert color="green" variant="light">{t('restrictions.whitelinkHint')}</Alert>
        <TextInput readOnly value={link ?? ''} data-testid="whitelink-url" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={link ?? ''}>
          {({ copied, copy }) => <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>{copied ? t('common.copied') : t('restrictions.copyLink')}</Button>}
        </CopyButton>
      </ConfirmModal>
    </>
  );
}
