import type { Queryable } from '../db.js';

/** OneSignal's add-device fields as Warden keeps them (migrations/0012_nebeus.sql). */
export interface DeviceFields {
  deviceType: number | null;
  identifier: string | null;
  language: string | null;
  timezone: number | null;
  appVersion: string | null;
  deviceModel: string | null;
  deviceOs: string | null;
}

export interface Device extends DeviceFields { id: number; userId: number; createdAt: Date }

interface Row {
  id: number | string; user_id: number | string; device_type: number | null; identifier: string | null; language: string | null;
  timezone: number | null; app_version: string | null; device_model: string | null; device_os: string | null; created_at: Date;
}

const toDevice = (r: Row): Device => ({
  id: Number(r.id), userId: Number(r.user_id), deviceType: r.device_type, identifier: r.identifier, language: r.language,
  timezone: r.timezone, appVersion: r.app_version, deviceModel: r.device_model, deviceOs: r.device_os, createdAt: new Date(r.created_at),
});

export const devicesRepo = {
  async insert(q: Queryable, userId: number, d: DeviceFields): Promise<Device> {
    const [r] = await q.query<Row>(
      `INSERT INTO devices (user_id, device_type, identifier, language, timezone, app_version, device_model, device_os)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [userId, d.deviceType, d.identifier, d.language, d.timezone, d.appVersion, d.deviceModel, d.deviceOs],
    );
    return toDevice(r);
  },
  async forUser(q: Queryable, userId: number): Promise<Device[]> {
    return (await q.query<Row>('SELECT * FROM devices WHERE user_id = $1 ORDER BY id', [userId])).map(toDevice);
  },
  /** The language of the user's most recent device that named one. */
  async latestLanguage(q: Queryable, userId: number): Promise<string | null> {
    const [r] = await q.query<{ language: string }>('SELECT language FROM devices WHERE user_id = $1 AND language IS NOT NULL ORDER BY id DESC LIMIT 1', [userId]);
    return r?.language ?? null;
  },
};
