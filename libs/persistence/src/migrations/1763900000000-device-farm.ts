import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The device farm: enrollment tokens, agents, measurement batches and their tasks (the lease queue), and
 * measurements with their raw samples and provenance. `measurements.task_id` is UNIQUE, so a task can
 * never be stored twice, whatever agents or retries do.
 */
export class DeviceFarm1763900000000 implements MigrationInterface {
  name = 'DeviceFarm1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrollment_tokens (
        id uuid NOT NULL,
        name text NOT NULL,
        token_hash text NOT NULL,
        token_prefix text NOT NULL,
        max_uses integer NOT NULL,
        uses integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_enrollment_tokens PRIMARY KEY (id),
        CONSTRAINT uq_enrollment_tokens_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_enrollment_tokens_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT ck_enrollment_tokens_uses CHECK (max_uses >= 1 AND uses >= 0 AND uses <= max_uses)
      )`);
    await q.query(`
      CREATE TABLE agents (
        id uuid NOT NULL,
        name text NOT NULL,
        device_id text NOT NULL,
        token_id uuid,
        secret_hash text NOT NULL,
        fingerprint jsonb NOT NULL,
        runtime jsonb NOT NULL,
        agent_version text NOT NULL,
        state text NOT NULL DEFAULT 'idle',
        last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_agents PRIMARY KEY (id),
        CONSTRAINT uq_agents_secret_hash UNIQUE (secret_hash),
        CONSTRAINT fk_agents_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE RESTRICT,
        CONSTRAINT fk_agents_token FOREIGN KEY (token_id) REFERENCES enrollment_tokens (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX ix_agents_device ON agents (device_id)`);
    await q.query(`
      CREATE TABLE measurement_batches (
        id uuid NOT NULL,
        device_id text NOT NULL,
        search_space text NOT NULL,
        params jsonb NOT NULL,
        size integer NOT NULL,
        created_by uuid,
        search_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_measurement_batches PRIMARY KEY (id),
        CONSTRAINT fk_measurement_batches_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE RESTRICT,
        CONSTRAINT fk_measurement_batches_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id) ON DELETE SET NULL,
        CONSTRAINT fk_measurement_batches_search FOREIGN KEY (search_id) REFERENCES searches (id) ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE TABLE measurement_tasks (
        id uuid NOT NULL,
        batch_id uuid NOT NULL,
        position integer NOT NULL,
        device_id text NOT NULL,
        search_space text NOT NULL,
        arch text NOT NULL,
        params jsonb NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        agent_id uuid,
        lease_expires_at timestamptz,
        failures jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT pk_measurement_tasks PRIMARY KEY (id),
        CONSTRAINT fk_measurement_tasks_batch FOREIGN KEY (batch_id) REFERENCES measurement_batches (id) ON DELETE CASCADE,
        CONSTRAINT fk_measurement_tasks_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
        CONSTRAINT ck_measurement_tasks_status CHECK (status IN ('queued', 'leased', 'succeeded', 'failed'))
      )`);
    await q.query(
      `CREATE INDEX ix_measurement_tasks_queue ON measurement_tasks (device_id, status, created_at)`,
    );
    await q.query(`CREATE INDEX ix_measurement_tasks_batch ON measurement_tasks (batch_id, position)`);
    await q.query(`CREATE INDEX ix_measurement_tasks_lease ON measurement_tasks (status, lease_expires_at)`);
    await q.query(`
      CREATE TABLE measurements (
        id uuid NOT NULL,
        task_id uuid NOT NULL,
        device_id text NOT NULL,
        search_space text NOT NULL,
        arch text NOT NULL,
        agent_id uuid,
        latency_ms double precision NOT NULL,
        samples jsonb NOT NULL,
        stats jsonb NOT NULL,
        attempts jsonb NOT NULL,
        build_ms double precision,
        first_run_ms double precision,
        remeasured boolean NOT NULL,
        noisy boolean NOT NULL,
        replayed boolean NOT NULL,
        params jsonb NOT NULL,
        provenance jsonb NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_measurements PRIMARY KEY (id),
        CONSTRAINT uq_measurements_task UNIQUE (task_id),
        CONSTRAINT fk_measurements_task FOREIGN KEY (task_id) REFERENCES measurement_tasks (id) ON DELETE CASCADE,
        CONSTRAINT fk_measurements_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
        CONSTRAINT ck_measurements_samples CHECK (jsonb_typeof(samples) = 'array')
      )`);
    await q.query(
      `CREATE INDEX ix_measurements_device_space_arch ON measurements (device_id, search_space, arch)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'measurements',
      'measurement_tasks',
      'measurement_batches',
      'agents',
      'enrollment_tokens',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
