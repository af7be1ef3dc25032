import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The initial schema. Hand-written SQL rather than generated so it reads as the contract; the entities
 * mirror it, and an integration test checks TypeORM sees no difference between the two.
 * uuid primary keys have no DEFAULT: they are generated in code (crypto.randomUUID), which works the
 * same on PGlite and on any Postgres version.
 */
export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT pk_api_keys PRIMARY KEY (id),
        CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash),
        CONSTRAINT ck_api_keys_role CHECK (role IN ('admin', 'user'))
      )`);
    await q.query(`
      CREATE TABLE datasets (
        id uuid NOT NULL,
        kind text NOT NULL,
        search_space text NOT NULL,
        file_name text,
        sha256 text NOT NULL,
        arch_keys jsonb NOT NULL,
        summary jsonb NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_datasets PRIMARY KEY (id),
        CONSTRAINT fk_datasets_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT ck_datasets_kind CHECK (kind IN ('latency', 'accuracy')),
        CONSTRAINT ck_datasets_arch_keys CHECK (jsonb_typeof(arch_keys) = 'array')
      )`);
    await q.query(`
      CREATE TABLE devices (
        id text NOT NULL,
        kind text NOT NULL,
        hardware text,
        info jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_devices PRIMARY KEY (id),
        CONSTRAINT ck_devices_kind CHECK (kind IN ('recorded', 'farm')),
        CONSTRAINT ck_devices_id CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$')
      )`);
    await q.query(`
      CREATE TABLE latency_tables (
        id uuid NOT NULL,
        device_id text NOT NULL,
        search_space text NOT NULL,
        dataset_id uuid NOT NULL,
        "values" jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_latency_tables PRIMARY KEY (id),
        CONSTRAINT uq_latency_tables_device_space UNIQUE (device_id, search_space),
        CONSTRAINT fk_latency_tables_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE,
        CONSTRAINT fk_latency_tables_dataset FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE RESTRICT,
        CONSTRAINT ck_latency_tables_values CHECK (jsonb_typeof("values") = 'array')
      )`);
    await q.query(`
      CREATE TABLE accuracy_tables (
        id uuid NOT NULL,
        search_space text NOT NULL,
        dataset text NOT NULL,
        dataset_id uuid NOT NULL,
        "values" jsonb NOT NULL,
        unit text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_accuracy_tables PRIMARY KEY (id),
        CONSTRAINT uq_accuracy_tables_space_dataset UNIQUE (search_space, dataset),
        CONSTRAINT fk_accuracy_tables_dataset FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE RESTRICT,
        CONSTRAINT ck_accuracy_tables_values CHECK (jsonb_typeof("values") = 'array')
      )`);
    await q.query(`
      CREATE TABLE searches (
        id uuid NOT NULL,
        owner_key_id uuid NOT NULL,
        status text NOT NULL,
        request jsonb NOT NULL,
        progress jsonb NOT NULL,
        best jsonb,
        result jsonb,
        checkpoint jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_searches PRIMARY KEY (id),
        CONSTRAINT fk_searches_owner_key FOREIGN KEY (owner_key_id) REFERENCES api_keys (id) ON DELETE RESTRICT,
        CONSTRAINT ck_searches_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
      )`);
    await q.query(`CREATE INDEX ix_searches_owner_created ON searches (owner_key_id, created_at)`);
    await q.query(`CREATE INDEX ix_searches_status ON searches (status)`);
    await q.query(`
      CREATE TABLE search_evaluations (
        search_id uuid NOT NULL,
        seq integer NOT NULL,
        arch_key text NOT NULL,
        arch jsonb NOT NULL,
        metrics jsonb NOT NULL,
        violation double precision NOT NULL,
        feasible boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_search_evaluations PRIMARY KEY (search_id, seq),
        CONSTRAINT fk_search_evaluations_search FOREIGN KEY (search_id) REFERENCES searches (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'search_evaluations',
      'searches',
      'accuracy_tables',
      'latency_tables',
      'devices',
      'datasets',
      'api_keys',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
