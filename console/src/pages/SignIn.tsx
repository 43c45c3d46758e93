import { useState } from 'react';
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { LangSwitch } from '../app/Layout.js';
import { useT } from '../app/i18n.js';
import { useSession } from '../app/session.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { ApiError } from '../lib/http.js';

/** Email and password, then the authenticator code when the account has 2FA (BARONG.md §5.13). */
export function SignIn() {
  const { t } = useT();
  const { signIn, notice } = useSession();
  const [step, setStep] = useState<'password' | 'otp'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password, step === 'otp' ? code.trim() : undefined);
    } catch (e) {
      if (e instanceof ApiError && e.keys.includes('identity.session.missing_otp')) {
        setStep('otp');
      } else {
        setError(e);
        if (step === 'otp') setCode('');
      }
    } finally {
      setBusy(false);
    }
  };
  const back = () => { setStep('password'); setCode(''); setPassword(''); setError(null); };

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" w={400} maw="100%">
        <form onSubmit={(e) => { e.preventDefault(); void submit(); }} aria-label={t('signIn.title')}>
          <Stack>
            <Group justify="space-between" align="flex-start">
              <Title order={3}>{t('signIn.title')}</Title>
              <LangSwitch />
            </Group>
            {notice === 'expired' && <Alert color="yellow" variant="light" data-testid="notice">{t('signIn.expired')}</Alert>}
            {notice === 'signedOut' && <Alert color="blue" variant="light" data-testid="notice">{t('signIn.signedOut')}</Alert>}
            {step === 'password' ? (
              <>
                <TextInput label={t('signIn.email')} type="email" name="email" autoComplete="username" required autoFocus
                  value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
                <PasswordInput label={t('signIn.password')} name="password" autoComplete="current-password" required
                  value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              </>
            ) : (
              <>
                <Text size="sm">{t('signIn.otpHint')}</Text>
                <TextInput label={t('signIn.otp')} name="otp_code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required autoFocus
                  value={code} onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))} styles={{ input: { letterSpacing: '0.3em', fontSize: 20 } }} />
              </>
            )}
            {error ? <ErrorAlert error={error} /> : null}
            <Button type="submit" loading={busy} fullWidth>{step === 'password' ? t('signIn.submit') : t('signIn.verify')}</Button>
            {step === 'otp' && <Button variant="subtle" size="xs" onClick={back}>{t('signIn.back')}</Button>}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
