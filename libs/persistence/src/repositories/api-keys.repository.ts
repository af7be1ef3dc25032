import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { TailorError } from '@tailor/common';
import { ApiKeyEntity, type ApiKeyRole } from '../entities';
import { mapDbErrors } from './db-errors';

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  /** sha256 hex of the key. */
  keyHash: string;
  keyPrefix: string;
}

@Injectable()
export class ApiKeysRepository {
  private readonly repo: Repository<ApiKeyEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiKeyEntity);
  }

  /** Throws CONFLICT if the hash already exists. */
  create(key: NewApiKey): Promise<ApiKeyEntity> {
    return mapDbErrors('api key', async () => {
      const { name, role, keyHash, keyPrefix } = key;
      const id = randomUUID();
      // insert, not save: save() would silently update a row if handed an existing id.
      await this.repo.insert({ id, name, role, keyHash, keyPrefix });
      return this.repo.findOneByOrFail({ id });
    });
  }

  findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Idempotent: revoking a revoked key keeps its first revocation time. Throws NOT_FOUND. */
  async revoke(id: string): Promise<ApiKeyEntity> {
    return mapDbErrors('api key', async () => {
      await this.repo
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('id = :id AND revoked_at IS NULL', { id })
        .execute();
      const key = await this.repo.findOneBy({ id });
      if (!key) throw new TailorError('NOT_FOUND', `no api key ${id}`, 'id');
      return key;
    });
  }

  countActiveAdmins(): Promise<number> {
    return this.repo.countBy({ role: 'admin', revokedAt: IsNull() });
  }
}
