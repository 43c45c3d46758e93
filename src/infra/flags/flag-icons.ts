import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

/** Where country flags come from: SVG text by ISO alpha-2 code, or null when there is none. */
export interface FlagSource {
  svg(alpha2: string): Promise<Buffer | null>;
}

/** Codes whose flag the package files under another name (territories of Saint Helena). */
const ALIASES: Record<string, string> = { AC: 'sh-ac', TA: 'sh-ta' };

/**
 * The 4:3 SVG flags of the `flag-icons` package (MIT, maintained upstream), read from its
 * installed files once per code and kept in memory (about 270 small files at most).
 */
export class FlagIconsSource implements FlagSource {
  private readonly cache = new Map<string, Promise<Buffer | null>>();

  constructor(private readonly dir: string = defaultFlagDir()) {}

  svg(alpha2: string): Promise<Buffer | null> {
    const code = alpha2.toUpperCase();
    if (!/^[A-Z]{2}$/.test(code)) return Promise.resolve(null);
    let hit = this.cache.get(code);
    if (!hit) {
      const file = path.join(this.dir, `${ALIASES[code] ?? code.toLowerCase()}.svg`);
      hit = fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        this.cache.delete(code); // an I/O hiccup is not remembered
        throw err;
      });
      this.cache.set(code, hit);
    }
    return hit;
  }
}

export function defaultFlagDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('flag-icons/package.json')), 'flags', '4x3');
}
