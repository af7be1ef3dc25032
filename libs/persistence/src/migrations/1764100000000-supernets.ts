import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Once-for-all supernets: training jobs (and shipped checkpoints) whose weights live in a folder. */
export class Supernets1764100000000 implements MigrationInterface {
  name = 'Supernets1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supernets (
        id uuid NOT NULL,
        search_space text NOT NULL,
        status text NOT NULL,
        source text NOT NULL,
        config jsonb NOT NULL,
        progress jsonb,
        history jsonb NOT NULL,
        checkpoint_dir text NOT NULL,
        error text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_supernets PRIMARY KEY (id),
        CONSTRAINT uq_supernets_checkpoint_dir UNIQUE (checkpoint_dir),
        CONSTRAINT fk_supernets_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT ck_supernets_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT ck_supernets_source CHECK (source IN ('trained', 'shipped'))
      )`);
    await q.query(`CREATE INDEX ix_supernets_status ON supernets (status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS supernets`);
  }
}
