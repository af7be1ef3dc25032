import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { invalid, notFound, TailorError } from '@tailor/common';
import { ApiKeysRepository } from '@tailor/persistence';
import type { Principal } from './principal';

export interface IssuedKey {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'user';
  /** The secret itself: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly createdAt: Date;
}

export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Keys are random 256-bit secrets; only their SHA-256 is stored, so a database leak reveals no key. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeysRepository) {}

  async authenticate(key: string | undefined): Promise<Principal> {
    if (!key)
      throw new TailorError(
        'UNAUTHENTICATED',
        'missing "Authorization: Bearer <key>" header',
        'authorization',
      );
    const row = await this.keys.findActiveByHash(hashKey(key));
    if (!row) throw new TailorError('UNAUTHENTICATED', 'unknown or revoked API key', 'authorization');
    return { keyId: row.id, name: row.name, role: row.role as Principal['role'] };
  }

  async issue(name: string, role: 'admin' | 'user', secret?: string): Promise<IssuedKey> {
    if (!/^[\w .@-]{1,64}$/.test(name))
      throw invalid('name', `must be 1–64 letters, digits, space, . @ _ -; got "${name}"`);
    const key = secret ?? `tlr_${randomBytes(32).toString('base64url')}`;
    const row = await this.keys.create({ name, role, keyHash: hashKey(key), keyPrefix: key.slice(0, 8) });
    return { id: row.id, name: row.name, role, key, prefix: row.keyPrefix, createdAt: row.createdAt };
  }

  async list(): Promise<Array<Omit<IssuedKey, 'key'> & { revokedAt: Date | null }>> {
    const rows = await this.keys.list();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role as Principal['role'],
      prefix: r.keyPrefix,
      createdAt: r.createdAt,
      revokedAt: r.revokedAt ?? null,
    }));
  }

  async revoke(id: string, by: Principal): Promise<void> {
    if (id === by.keyId) throw invalid('id', 'an admin cannot revoke the key it is calling with');
    const ok = await this.keys.revoke(id);
    if (!ok) throw notFound('id', `no active API key ${id}`);
  }

  /**
   * Makes sure an admin key exists at start. With TAILOR_ADMIN_KEY the given secret is registered
   * (idempotently); otherwise a new key is created only when there is no active admin at all.
   * Returns the new secret when one was created, so the caller can print and save it once.
   */
  async ensureAdmin(configured?: string): Promise<{ created: boolean; key?: string }> {
    if (configured) {
      if (await this.keys.findActiveByHash(hashKey(configured))) return { created: false };
      await this.issue('admin-from-env', 'admin', configured);
      return { created: false };
    }
    if ((await this.keys.countActiveAdmins()) > 0) return { created: false };
    const issued = await this.issue('admin', 'admin');
    return { created: true, key: issued.key };
  }
}
