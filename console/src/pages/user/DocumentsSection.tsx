import { Badge, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useT } from '../../app/i18n.js';
import { FilePreview } from '../../components/FilePreview.js';
import { Val, When } from '../../components/bits.js';
import { maskMiddle } from '../../lib/mask.js';
import type { DocumentEntity, UserWithKyc } from '../../lib/types.js';

const isAddress = (d: DocumentEntity) => d.doc_type.toLowerCase() === 'address';

/** Document files with previews through their signed URLs, grouped: identity documents, then proofs of address. */
export function DocumentsSection({ user, unmasked }: { user: UserWithKyc; unmasked: boolean }) {
  const { t } = useT();
  const identity = user.documents.filter((d) => !isAddress(d));
  const address = user.documents.filter(isAddress);
  if (!user.documents.length) return <Text c="dimmed">{t('user.noItems')}</Text>;
  return (
    <Stack>
      {identity.length > 0 && <DocumentGrid title={t('user.documents')} docs={identity} unmasked={unmasked} />}
      {address.length > 0 && <DocumentGrid title={t('user.addressProof')} docs={address} unmasked={unmasked} />}
    </Stack>
  );
}

export function DocumentGrid({ title, docs, unmasked, height = 220, cols = { base: 1, sm: 2, lg: 3 } }: {
  title?: string; docs: DocumentEntity[]; unmasked: boolean; height?: number; cols?: Record<string, number>;
}) {
  const { t } = useT();
  return (
    <Stack gap="xs">
      {title && <Title order={5}>{title}</Title>}
      <SimpleGrid cols={cols}>
        {docs.map((d, i) => (
          <Stack key={`${d.upload?.url ?? i}`} gap={4} data-testid="document">
            <FilePreview url={d.upload?.url} height={height} caption={[d.doc_type, d.doc_category].filter(Boolean).join(' · ')} />
            <Group gap="xs">
              {!isAddress(d) && <Text size="xs">{t('user.docNumber')}: <b>{unmasked ? d.doc_number : maskMiddle(d.doc_number)}</b></Text>}
              {d.doc_expire && <Text size="xs">{t('user.docExpire')}: <b>{d.doc_expire}</b></Text>}
            </Group>
            <Text size="xs" c="dimmed">{t('user.uploaded')}: <When iso={d.created_at} /></Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

export function PhonesSection({ user, unmasked }: { user: UserWithKyc; unmasked: boolean }) {
  const { t } = useT();
  if (!user.phones.length) return <Text c="dimmed">{t('user.noItems')}</Text>;
  return (
    <Table striped verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr><Table.Th>{t('user.phoneNumber')}</Table.Th><Table.Th>{t('users.country')}</Table.Th><Table.Th>{t('user.validated')}</Table.Th></Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {user.phones.map((p) => (
          <Table.Tr key={p.number}>
            <Table.Td>{unmasked ? p.number : maskMiddle(p.number, 3, 2)}</Table.Td>
            <Table.Td><Val>{p.country}</Val></Table.Td>
            <Table.Td>{p.validated_at ? <When iso={p.validated_at} /> : <Badge color="gray" variant="light">{t('user.notValidated')}</Badge>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
