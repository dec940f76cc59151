import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner agencies and agreements, NCIP partner keys (hashed; several active per partner so they rotate
 * without downtime), the exchange log, replay records of NCIP writes, interlibrary requests with their
 * transitions, the failed-exchange queue, partner readers seen here, and units (central-branch tree).
 */
export class FederationRegistryNcip1764057600201 implements MigrationInterface {
  name = 'FederationRegistryNcip1764057600201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE federation.units (
      code text PRIMARY KEY, agency text NOT NULL, name text NOT NULL, kind text NOT NULL,
      parent text REFERENCES federation.units(code), updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE federation.partners (
      isil text PRIMARY KEY, name text NOT NULL, aliases text[] NOT NULL DEFAULT '{}', branch text,
      active boolean NOT NULL DEFAULT true, agreement jsonb NOT NULL DEFAULT '{}', ncip jsonb NOT NULL DEFAULT '{}',
      outbound_key text, updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE federation.partner_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), partner text NOT NULL REFERENCES federation.partners(isil),
      key_hash text NOT NULL UNIQUE, prefix text NOT NULL, label text, allowed_agency_ids text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz, last_used_at timestamptz)`);
    await q.query(`CREATE TABLE federation.exchanges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), correlation_id text NOT NULL, direction text NOT NULL,
      partner text, service text, outcome text NOT NULL, problem text, duration_ms integer NOT NULL,
      request text NOT NULL, response text, created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX exchanges_created ON federation.exchanges (created_at DESC)`);
    await q.query(`CREATE INDEX exchanges_partner ON federation.exchanges (partner, created_at DESC)`);
    await q.query(`CREATE INDEX exchanges_correlation ON federation.exchanges (correlation_id)`);
    await q.query(`CREATE TABLE federation.replays (
      from_agency text NOT NULL, service text NOT NULL, idem_key text NOT NULL, response text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (from_agency, service, idem_key))`);
    await q.query(`CREATE TABLE federation.ill_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), direction text NOT NULL, partner text NOT NULL,
      partner_request_id text, state text NOT NULL, patron_agency text, patron_barcode text,
      item_agency text, item_barcode text, record_id uuid, title text, hold_id uuid, due_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE UNIQUE INDEX ill_requests_partner_ref ON federation.ill_requests (partner, direction, partner_request_id) WHERE partner_request_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ill_requests_state ON federation.ill_requests (state, updated_at DESC)`);
    await q.query(`CREATE TABLE federation.ill_transitions (
      id bigserial PRIMARY KEY, request_id uuid NOT NULL REFERENCES federation.ill_requests(id),
      from_state text, to_state text NOT NULL, actor text NOT NULL, reason text, at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX ill_transitions_request ON federation.ill_transitions (request_id, id)`);
    await q.query(`CREATE TABLE federation.failed_exchanges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), partner text NOT NULL, service text NOT NULL,
      request text NOT NULL, reason text NOT NULL, attempts integer NOT NULL, status text NOT NULL DEFAULT 'open',
      correlation_id text, created_at timestamptz NOT NULL DEFAULT now(), resolved_at timestamptz,
      resolved_by text, note text)`);
    await q.query(`CREATE INDEX failed_exchanges_open ON federation.failed_exchanges (status, created_at DESC)`);
    await q.query(`CREATE TABLE federation.remote_loans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), partner text NOT NULL, patron_barcode text NOT NULL,
      item_agency text NOT NULL, item_barcode text NOT NULL, due_at timestamptz NOT NULL, renewals integer NOT NULL DEFAULT 0,
      checked_out_at timestamptz NOT NULL DEFAULT now(), returned_at timestamptz)`);
    await q.query(
      `CREATE UNIQUE INDEX remote_loans_open ON federation.remote_loans (item_agency, item_barcode) WHERE returned_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'remote_loans',
      'failed_exchanges',
      'ill_transitions',
      'ill_requests',
      'replays',
      'exchanges',
      'partner_keys',
      'partners',
      'units',
    ]) {
      await q.query(`DROP TABLE federation.${t}`);
    }
  }
}
