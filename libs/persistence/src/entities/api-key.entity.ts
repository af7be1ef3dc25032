import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ApiKeyRole = 'admin' | 'user';

@Entity('api_keys')
@Check('ck_api_keys_role', `role IN ('admin', 'user')`)
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  role: ApiKeyRole;

  /** sha256 hex of the full key; the key itself is never stored. */
  @Column('text', { name: 'key_hash', unique: true })
  keyHash: string;

  @Column('text', { name: 'key_prefix' })
  keyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
