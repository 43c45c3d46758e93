import sharp from 'sharp';

/** A neutral head-and-shoulders silhouette, drawn by Warden (no third-party artwork). */
const SILHOUETTE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 150 150" width="150" height="150">
<rect width="150" height="150" fill="#d9dde3"/>
<circle cx="75" cy="58" r="28" fill="#f4f5f7"/>
<path d="M22 150c4-34 26-52 53-52s49 18 53 52z" fill="#f4f5f7"/>
</svg>`;

const renders = new Map<number, Promise<Buffer>>();

/** The placeholder as a PNG of `px`×`px`, rendered once per size. */
export function placeholderPng(px: number): Promise<Buffer> {
  let hit = renders.get(px);
  if (!hit) {
    hit = sharp(Buffer.from(SILHOUETTE)).resize(px, px).png({ compressionLevel: 9 }).toBuffer();
    hit.catch(() => renders.delete(px));
    renders.set(px, hit);
  }
  return hit;
}
