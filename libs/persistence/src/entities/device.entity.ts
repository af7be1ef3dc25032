import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type DeviceKind = 'recorded' | 'farm';

@Entity('devices')
@Check('ck_devices_kind', `kind IN ('recorded', 'farm')`)
@Check('ck_devices_id', `id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'`)
export class DeviceEntity {
  /** Slug such as `pixel3`; stable across re-imports, so it is the key. */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  kind: DeviceKind;

  @Column('text', { nullable: true })
  hardware: string | null;

  @Column('jsonb')
  info: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
