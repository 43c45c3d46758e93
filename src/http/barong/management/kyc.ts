import type { Container } from '../../../container.js';
import { parseCalendarDate, type ProfileFields } from '../../../domain/kyc/profiles-rules.js';
import { ManagementError } from '../../../domain/management/errors.js';
import type { ManagementServices } from '../../../domain/management/wiring.js';
import type { User } from '../../../domain/users/user.js';
import { decryptor } from '../common.js';
import { phoneEntity } from '../entities.js';
import { P } from '../params.js';
import { adminUserRowEntity } from '../admin/users-entities.js';
import { mparams } from './params.js';
import type { ManagementRouter } from './router.js';

const nb = { 'x-nonblank': true } as const;
const opt = () => P.opt(P.str(nb));
const PROFILE = {
  first_name: opt(), last_name: opt(), dob: opt(), address: opt(), postcode: opt(), city: opt(), country: opt(), state: opt(), metadata: opt(),
};
const UidBody = P.obj({ uid: P.str(nb) });
const PhoneBody = P.obj({ uid: P.str(nb), number: P.str(nb) });
const ProfileBody = P.obj({ uid: P.str(nb), ...PROFILE });
const DocumentBody = P.obj({
  uid: P.str(nb), doc_type: P.str(nb), doc_number: P.str(nb), filename: P.str(nb), file_ext: P.str(nb), upload: P.str(nb),
  doc_expire: opt(), update_labels: P.opt(P.bool()), metadata: opt(),
});
const ImportBody = P.obj({ email: P.str(nb), password_digest: P.str(nb), referral_uid: opt(), phone: opt(), ...PROFILE });

/** Profile fields of a management body; a dob that is not a date → 422 `dob is invalid`. */
function profileFields(p: { first_name?: string; last_name?: string; dob?: string; address?: string; postcode?: string; city?: string; country?: string; metadata?: string }): ProfileFields {
  const { dob, ...rest } = p;
  const fields: ProfileFields = {};
  for (const k of ['first_name', 'last_name', 'address', 'postcode', 'city', 'country', 'metadata'] as const) if (rest[k] !== undefined) fields[k] = rest[k];
  if (dob !== undefined) {
    const day = parseCalendarDate(dob);
    if (day === null) throw new ManagementError(422, 'dob is invalid');
    fields.dob = day;
  }
  return fields;
}

export function kycRoutes(r: ManagementRouter, c: Container, m: ManagementServices): void {
  const decrypt = decryptor(c);
  const withProfiles = async (u: User) => adminUserRowEntity(await m.users.row(u), decrypt);

  r.post('/phones/get', 'read_phones', 'A user\'s phones (unmasked)', async (data, reply) => {
    const p = mparams(UidBody, data);
    return reply.status(201).send((await m.kyc.phones(p.uid)).map((ph) => phoneEntity(ph, decrypt, false)));
  });

  r.post('/phones', 'write_phones', 'Add a phone, already validated', async (data, reply) => {
    const p = mparams(PhoneBody, data);
    return reply.status(201).send(phoneEntity(await m.kyc.addPhone(p.uid, p.number), decrypt, false));
  });

  r.post('/phones/delete', 'write_phones', 'Delete a phone; answers it', async (data, reply) => {
    const p = mparams(PhoneBody, data);
    return reply.status(201).send(phoneEntity(await m.kyc.removePhone(p.uid, p.number), decrypt, false));
  });

  r.post('/profiles', 'write_users', 'Create a KYC profile (state as given, drafted by default)', async (data, reply) => {
    const p = mparams(ProfileBody, data);
    return reply.status(201).send(await withProfiles(await m.kyc.createProfile(p.uid, profileFields(p), p.state)));
  });

  r.post('/documents', 'write_documents', 'Upload a KYC document (the file as base64); update_labels is accepted and ignored, as in Barong', async (data, reply) => {
    const p = mparams(DocumentBody, data);
    let docExpire: string | null = null;
    if (p.doc_expire !== undefined) {
      docExpire = parseCalendarDate(p.doc_expire);
      if (docExpire === null) throw new ManagementError(422, 'doc_expire is invalid');
    }
    await m.documents.upload({ ...p, doc_expire: docExpire });
    return reply.status(201).send();
  });

  r.post('/users/import', 'write_users', 'Import a Barong user with his bcrypt password_digest, phone and profile', async (data, reply) => {
    const p = mparams(ImportBody, data);
    const user = await m.kyc.importUser({ email: p.email, password_digest: p.password_digest, referral_uid: p.referral_uid, phone: p.phone, state: p.state, profile: profileFields(p) });
    return reply.status(201).send(await withProfiles(user));
  });
}
