import { useEffect, useState, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * A confirmation for a consequential action: the question, optional extra fields, a reason
 * (required when `reason` is 'required'), and the API's refusal shown in place.
 */
export function ConfirmModal({ opened, title, message, reason = 'none', confirmLabel, color = 'blue', onConfirm, onClose, children, disabled, closeOnConfirm = true, hideCancel = false }: {
  opened: boolean;
  title: string;
  message?: ReactNode;
  reason?: 'none' | 'optional' | 'required';
  confirmLabel?: string;
  color?: string;
  disabled?: boolean;
  /** false: the caller closes it (e.g. to show a second step). */
  closeOnConfirm?: boolean;
  hideCancel?: boolean;
  onConfirm(reason: string): Promise<unknown>;
  onClose(): void;
  children?: ReactNode;
}) {
  const { t } = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { if (opened) { setText(''); setError(null); setBusy(false); } }, [opened]);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(text.trim());
      if (closeOnConfirm) onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const blocked = disabled || (reason === 'required' && text.trim() === '');
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <form onSubmit={(e) => { e.preventDefault(); if (!blocked) void submit(); }}>
        <Stack>
          {message && <Text size="sm">{message}</Text>}
          {children}
          {reason !== 'none' && (
            <Textarea label={t('common.reason')} description={t('common.reasonHint')} required={reason === 'required'} autosize minRows={2}
              value={text} onChange={(e) => setText(e.currentTarget.value)} data-autofocus name="reason" />
          )}
          {error ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end">
            {!hideCancel && <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>}
            <Button type="submit" color={color} loading={busy} disabled={blocked}>{confirmLabel ?? t('common.confirm')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
