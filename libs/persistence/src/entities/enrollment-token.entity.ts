import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

/** Lets agents register. Stored as a hash; usable `maxUses` times until `expiresAt` unless revoked. */
@Entity('enrollment_tokens')
@Check('ck_enrollment_tokens_uses', `max_uses >= 1 AND uses >= 0 AND uses <= max_uses`)
export class EnrollmentTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'token_hash', unique: true })
  tokenHash: string;

  @Column('text', { name: 'token_prefix' })
  tokenPrefix: string;

  @Column('int', { name: 'max_uses' })
  maxUses: number;

  @Column('int', { default: 0 })
  uses: number;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_enrollment_tokens_created_by' })
  creator?: ApiKeyEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
