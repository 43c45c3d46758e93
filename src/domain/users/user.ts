/** A user as the domain sees it (camelCase); rows are mapped by the repository. */
export interface User {
  id: number;
  uid: string;
  username: string | null;
  email: string;
  passwordDigest: string;
  role: string;
  data: string | null;
  level: number;
  otp: boolean;
  state: string;
  referralId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Label {
  id: number;
  userId: number;
  key: string;
  value: string;
  scope: 'public' | 'private';
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** States in which a user may log in and pass the gateway (BARONG.md §2.1). */
export const LOGIN_STATES: ReadonlySet<string> = new Set(['active', 'pending']);
