import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Subnets exported from a supernet as ONNX / TF.js files, with what verifying them measured. */
export class Exports1764200000000 implements MigrationInterface {
  name = 'Exports1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exports (
        id uuid NOT NULL,
        supernet_id uuid NOT NULL,
        search_space text NOT NULL,
        arch text NOT NULL,
        formats text[] NOT NULL,
        status text NOT NULL,
        progress jsonb,
        result jsonb,
        dir text NOT NULL,
        error text,
        created_by uuid,
        search_id uuid,
        candidate_index int,
        device_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_exports PRIMARY KEY (id),
        CONSTRAINT fk_exports_supernet FOREIGN KEY (supernet_id) REFERENCES supernets (id) ON DELETE RESTRICT,
        CONSTRAINT fk_exports_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT fk_exports_search FOREIGN KEY (search_id) REFERENCES searches (id) ON DELETE SET NULL,
        CONSTRAINT ck_exports_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        CONSTRAINT ck_exports_formats CHECK (cardinality(formats) > 0 AND formats <@ ARRAY['onnx', 'tfjs']::text[]),
        CONSTRAINT ck_exports_candidate_index CHECK (candidate_index >= 0)
      )`);
    await q.query(`CREATE INDEX ix_exports_supernet ON exports (supernet_id)`);
    await q.query(`CREATE INDEX ix_exports_status ON exports (status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS exports`);
  }
}
