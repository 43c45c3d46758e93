import { useState } from 'react';
import { Autocomplete, Button, Menu, Select } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { KNOWN_ROLES, USER_STATES } from '../../lib/users-query.js';
import type { UserWithKyc } from '../../lib/types.js';

type Dialog = 'state' | 'role' | 'otp' | null;

/** State, role and 2FA changes, each confirmed with a reason for the admin activity log. */
export function UserActions({ user, onChanged }: { user: UserWithKyc; onChanged(): void }) {
  const { t } = useT();
  const { api } = useSession();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [state, setState] = useState<string | null>(null);
  const [role, setRole] = useState('');
  const close = () => setDialog(null);
  const done = async (p: Promise<unknown>) => { await p; onChanged(); };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target><Button variant="light" data-testid="user-actions">{t('common.actions')} ▾</Button></Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => { setState(null); setDialog('state'); }} data-testid="action-state">{t('user.changeState')}</Menu.Item>
          <Menu.Item onClick={() => { setRole(''); setDialog('role'); }} data-testid="action-role">{t('user.changeRole')}</Menu.Item>
          <Menu.Item onClick={() => setDialog('otp')} disabled={!user.otp} color="red" data-testid="action-otp">{t('user.disable2fa')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>

      <ConfirmModal opened={dialog === 'state'} onClose={close} title={t('user.changeState')} reason="required" disabled={!state}
        message={state ? t('user.confirmState', { email: user.email, from: user.state, to: state }) : undefined}
        onConfirm={(reason) => done(api.setState(user.uid, state!, reason))}>
        <Select label={t('user.newState')} data={USER_STATES.filter((s) => s !== user.state)} value={state} onChange={setState}
          name="state" comboboxProps={{ withinPortal: false }} />
      </ConfirmModal>

      <ConfirmModal opened={dialog === 'role'} onClose={close} title={t('user.changeRole')} reason="required" disabled={!role.trim() || role.trim() === user.role}
        message={role.trim() ? t('user.confirmRole', { email: user.email, from: user.role, to: role.trim() }) : undefined}
        onConfirm={(reason) => done(api.setRole(user.uid, role.trim(), reason))}>
        <Autocomplete label={t('user.newRole')} data={KNOWN_ROLES.filter((r) => r !== user.role)} value={role} onChange={setRole}
          name="role" comboboxProps={{ withinPortal: false }} />
      </ConfirmModal>

      <ConfirmModal opened={dialog === 'otp'} onClose={close} title={t('user.disable2fa')} reason="required" color="red"
        message={t('user.confirm2fa', { email: user.email })} onConfirm={(reason) => done(api.disableOtp(user.uid, reason))} />
    </>
  );
}
