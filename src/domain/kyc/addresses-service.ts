import { addressesRepo, type AddressRow } from '../../db/repositories/addresses.js';
import { documentsRepo, type DocumentRow } from '../../db/repositories/documents.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import { randomHex } from '../../lib/random.js';
import type { User } from '../users/user.js';
import type { KycDocumentDeps } from './documents-deps.js';
import type { IncomingFile } from './documents-files.js';
import type { KycReview } from './documents-review.js';
import { ADDRESS_DOC_TYPE } from './documents-rules.js';
import { filesErrors, insertDocument, stageFiles, unstage } from './documents-service.js';

export interface AddressUpload {
  country: string;
  address: string;
  city: string;
  postcode: string;
  files: IncomingFile[];
  uploadNotFiles: boolean;
}

export interface AddressView {
  country: string;
  city: string | null;
  postcode: string | null;
  address: string | null;
  identificator: string;
  createdAt: Date;
}

/**
 * Proof of residence (BARONG.md §7.6, §17.5): every file becomes a document of type `Address`
 * sharing one identificator, the claimed address is kept (street sealed), and the private
 * label `address=pending` is set. No expiry date is asked for (Warden fix #13).
 */
export class AddressService {
  constructor(private readonly d: KycDocumentDeps, private readonly review: KycReview) {}

  async upload(user: User, input: AddressUpload): Promise<DocumentRow[]> {
    const { d } = this;
    const files = filesErrors(input.files, input.uploadNotFiles, d);
    if (files.errors.length) throw new ModelError(files.errors);
    const identificator = randomHex(32);
    const blankToNull = (s: string) => (s.trim() === '' ? null : s.trim());
    const staged = await stageFiles(d, input.files, files.kinds);
    let result: { rows: DocumentRow[]; user: User };
    try {
      result = await d.db.tx(async (q) => {
        const locked = (await usersRepo.lockById(q, user.id))!;
        const rows: DocumentRow[] = [];
        for (const s of staged) {
          rows.push(await insertDocument(q, d, locked, s.id, {
            userId: user.id, upload: s.key, docType: ADDRESS_DOC_TYPE, docExpire: null, docNumberEncrypted: null,
            docNumberIndex: null, docCategory: null, identificator, metadata: null,
          }));
        }
        await addressesRepo.insert(q, {
          userId: user.id, identificator, country: input.country.trim(), city: blankToNull(input.city), postcode: blankToNull(input.postcode),
          addressEncrypted: d.pii.encryptField(input.address.trim())!,
        });
        return { rows, user: await this.review.apply(q, locked, 'address', 'pending') };
      });
    } catch (err) {
      await unstage(d, staged);
      throw err;
    }
    d.events.committed();
    if (d.provider.name !== 'local') this.submit(result.user, identificator, input);
    return result.rows;
  }

  /** The claimed addresses of a user, newest last (admin review). */
  async list(userId: number): Promise<AddressView[]> {
    return (await addressesRepo.forUser(this.d.db, userId)).map((a: AddressRow) => ({
      country: a.country, city: a.city, postcode: a.postcode, address: this.d.pii.decryptField(a.address_encrypted),
      identificator: a.identificator, createdAt: a.created_at,
    }));
  }

  private submit(user: User, identificator: string, input: AddressUpload): void {
    const address = { country: input.country.trim(), city: input.city.trim() || null, postcode: input.postcode.trim() || null, address: input.address.trim() };
    this.d.jobs.run('kyc.address', async () => {
      try {
        const documents = await documentsRepo.inBatch(this.d.db, user.id, identificator);
        await this.d.provider.submitAddress({ user, identificator, documents, address });
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, uid: user.uid, provider: this.d.provider.name }, 'address proof not accepted by the KYC provider: marked rejected');
        await this.review.setVerdict(user.id, 'address', 'rejected');
      }
    });
  }
}
