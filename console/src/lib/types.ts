/** Entities of Warden's Barong API as the console reads them (BARONG.md §4, §8). */

export type AbilityAction = 'read' | 'create' | 'update' | 'destroy' | 'manage';
/** `GET admin/abilities`: action → models; `{}` for roles without admin abilities. */
export type AbilityMap = Partial<Record<AbilityAction, string[]>>;

export interface User {
  email: string;
  uid: string;
  role: string;
  level: number;
  otp: boolean;
  state: string;
  referral_uid: string | null;
  data: string | null;
  username: string | null;
  created_at?: string;
  updated_at?: string;
  profiles?: Profile[];
}

export interface Label { key: string; value: string; scope: 'public' | 'private' | string; description?: string | null; created_at: string; updated_at: string }
export interface Phone { country: string; number: string; validated_at: string | null }
export interface Profile {
  first_name: string | null; last_name: string | null; dob: string | null; address: string | null; postcode: string | null;
  city: string | null; country: string | null; state: string; metadata: string | null; created_at: string; updated_at: string;
}
export interface DocumentEntity {
  upload: { url: string | null } | null; doc_type: string; doc_number: string | null; doc_expire: string | null;
  doc_category?: string | null; identificator?: string | null; metadata: string | null; created_at: string; updated_at: string;
}
export interface Comment { id: number; author_uid: string; title: string; data: string; created_at: string; updated_at: string }
export interface DataStorage { title: string; data: string; created_at: string; updated_at: string }

/** `GET admin/users/:uid` (UserWithKYC, unmasked). */
export interface UserWithKyc extends User {
  profiles: Profile[];
  labels: Label[];
  phones: Phone[];
  documents: DocumentEntity[];
  data_storages: DataStorage[];
  comments: Comment[];
  created_at: string;
  updated_at: string;
}

/** Login and `resource/users/me`: UserWithFullInfo (csrf_token only when a session was opened). */
export interface SessionUser extends User { csrf_token?: string }

export interface Level { id: number; key: string; value: string }
export interface ApiKey { kid: string; algorithm: string; scope: string[]; state: string; created_at: string; updated_at: string }

export interface ActivityBase {
  user_ip: string; user_ip_country: string | null; user_agent: string; topic: string; action: string; result: string;
  data: string | null; created_at: string;
}
export interface UserActivity extends ActivityBase { id?: number; user: User | null }
export interface AdminActivity extends ActivityBase { admin: User | null; target: User | null }

export interface Permission { id: number; action: string; role: string; verb: string; path: string; topic: string | null; created_at: string; updated_at: string }
export interface Restriction { id: number; category: string; scope: string; value: string; code: number | null; state: string; created_at: string; updated_at: string }

/** `GET admin/metrics`: per-day counts (`YYYY-MM-DD` → n) and the documents waiting for review. */
export interface Metrics {
  signups: Record<string, number>;
  sucessful_logins?: Record<string, number>;
  successful_logins?: Record<string, number>;
  failed_logins: Record<string, number>;
  pending_applications: number;
}

/** A page of a paginated list (BARONG.md §1.7 headers Total / Page / Per-Page). */
export interface Page<T> { items: T[]; total: number; page: number; perPage: number }
