import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The meta-learned latency predictor: versioned predictors per search space, device calibrations
 * against them, and what meta-training needs from imported latency files (reference archs, device
 * splits, HELP's protocol ranges), which earlier imports did not keep (those columns stay null).
 */
export class Predictors1764000000000 implements MigrationInterface {
  name = 'Predictors1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE datasets
        ADD COLUMN reference_arch_keys jsonb,
        ADD COLUMN splits jsonb,
        ADD COLUMN protocol_ranges jsonb`);
    await q.query(`
      CREATE TABLE predictors (
        id uuid NOT NULL,
        search_space text NOT NULL,
        version integer NOT NULL,
        status text NOT NULL,
        options jsonb NOT NULL,
        source_devices jsonb NOT NULL,
        validation_devices jsonb NOT NULL,
        progress jsonb NOT NULL,
        validation jsonb,
        snapshot jsonb,
        error text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_predictors PRIMARY KEY (id),
        CONSTRAINT uq_predictors_space_version UNIQUE (search_space, version),
        CONSTRAINT fk_predictors_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT ck_predictors_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_predictors_status ON predictors (status)`);
    await q.query(`
      CREATE TABLE device_calibrations (
        id uuid NOT NULL,
        device_id text NOT NULL,
        search_space text NOT NULL,
        predictor_id uuid NOT NULL,
        status text NOT NULL,
        source text NOT NULL,
        samples integer NOT NULL,
        validation_count integer NOT NULL,
        reference_archs jsonb,
        shot_archs jsonb,
        validation_archs jsonb,
        measured jsonb,
        calibration jsonb,
        quality jsonb,
        measurements integer NOT NULL DEFAULT 0,
        progress jsonb NOT NULL,
        error text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_device_calibrations PRIMARY KEY (id),
        CONSTRAINT fk_device_calibrations_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE,
        CONSTRAINT fk_device_calibrations_predictor FOREIGN KEY (predictor_id) REFERENCES predictors (id) ON DELETE RESTRICT,
        CONSTRAINT fk_device_calibrations_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT ck_device_calibrations_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        CONSTRAINT ck_device_calibrations_source CHECK (source IN ('farm', 'table'))
      )`);
    await q.query(
      `CREATE INDEX ix_device_calibrations_device_space ON device_calibrations (device_id, search_space, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS device_calibrations`);
    await q.query(`DROP TABLE IF EXISTS predictors`);
    await q.query(`
      ALTER TABLE datasets
        DROP COLUMN IF EXISTS protocol_ranges,
        DROP COLUMN IF EXISTS splits,
        DROP COLUMN IF EXISTS reference_arch_keys`);
  }
}
