import { Anchor, AspectRatio, Center, Image, Paper, Stack, Text } from '@mantine/core';
import { useT } from '../app/i18n.js';
import { previewKind } from '../lib/kyc.js';

/** A document file behind its signed URL: the image itself, or the PDF in the browser's viewer. */
export function FilePreview({ url, height = 260, caption }: { url: string | null | undefined; height?: number; caption?: string }) {
  const { t } = useT();
  const kind = previewKind(url);
  return (
    <Paper withBorder radius="md" p="xs">
      <Stack gap={6}>
        {kind === 'none' && <Center h={height}><Text c="dimmed" size="sm">{t('user.noPreview')}</Text></Center>}
        {kind === 'image' && <Image src={url!} alt={caption ?? ''} h={height} fit="contain" radius="sm" bg="gray.1" />}
        {kind === 'pdf' && (
          <AspectRatio ratio={3 / 4} mah={height * 1.4}>
            <iframe src={url!} title={caption ?? 'PDF'} style={{ border: 0, width: '100%', height: '100%' }} />
          </AspectRatio>
        )}
        <Stack gap={0}>
          {caption && <Text size="xs" fw={500}>{caption}</Text>}
          {url && <Anchor href={url} target="_blank" rel="noopener noreferrer" size="xs">{t('user.openFile')}</Anchor>}
        </Stack>
      </Stack>
    </Paper>
  );
}
