// Integration-spec support (never built: tsconfig.build.json excludes **/testing/**). It lives in the loans
// app because it boots loans with the two services loans calls (catalog, patrons): spec files may boot other
// services in-process; production code never imports across apps.
import { INestMicroservice } from '@nestjs/common';
import {
  CatalogSubjects,
  CheckinResult,
  CheckoutResult,
  ErrorCode,
  ItemView,
  LoanSubjects,
  PatronSubjects,
  PatronSummary,
  PatronView,
  RecordView,
  RenewResult,
} from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { Client } from 'pg';
import { CatalogModule } from '../../../apps/catalog/src/catalog.module';
import { CatalogEnvDto } from '../../../apps/catalog/src/config/catalog-env.dto';
import { PatronsEnvDto } from '../../../apps/patrons/src/config/patrons-env.dto';
import { PatronsModule } from '../../../apps/patrons/src/patrons.module';
import { LoansEnvDto } from '../../../apps/loans/src/config/loans-env.dto';
import { LoansModule } from '../../../apps/loans/src/loans.module';

export const KSL = 'CN-320583-1-KSL';

/** `[code, name, kind]` of a branch of KSL */
export type BranchRow = readonly [code: string, name: string, kind: string];

/** A rejected request's expectation: `await expect(p).rejects.toMatchObject(refusal(ErrorCode.X))`. */
export const refusal = (code: ErrorCode) => ({ payload: expect.objectContaining({ code }) });

export interface CirculationFixtureOptions {
  /** database name prefix of the spec file */
  prefix: string;
  /** extra variables for catalog, patrons and loans (e.g. LIBRARY_TIMEZONE) */
  env?: Record<string, string>;
  /** extra variables for loans only (e.g. HOLD_EXPIRY_INTERVAL_MS) */
  loansEnv?: Record<string, string>;
  /** open a pg client on the spec's database (`fx.db`) */
  db?: boolean;
  /** fields every `createPatron` sends unless given (over an adult of KSL-MAIN, card valid to 2099, PIN 1234) */
  patronDefaults?: Record<string, unknown>;
}

/**
 * catalog + patrons + loans in-process on a spec's own database and nats-server, and the requests the
 * circulation specs make of them. Create it in the describe block, `start()` it in beforeAll, `stop()` it in
 * afterAll; the request helpers are bound, so they can be destructured before `start()`.
 */
export class CirculationFixture {
  env!: TestEnvironment;
  rpc!: RpcTestClient;
  db!: Client;
  /** closed in reverse order by stop(): push services booted on top (sip2) */
  readonly services: INestMicroservice[] = [];

  constructor(private readonly opts: CirculationFixtureOptions) {}

  /**
   * Boots catalog and patrons, connects the rpc client, runs `beforeLoans` (what loans must find when it
   * first asks the catalog, e.g. the branches), then boots loans.
   */
  async start(beforeLoans?: (rpc: RpcTestClient) => Promise<void>): Promise<void> {
    this.env = await createTestEnvironment(this.opts.prefix);
    const env = this.opts.env ?? {};
    this.services.push(
      await startTestService({
        name: 'catalog',
        envClass: CatalogEnvDto,
        env: this.env.env(env),
        register: CatalogModule.register,
      }),
    );
    this.services.push(
      await startTestService({
        name: 'patrons',
        envClass: PatronsEnvDto,
        env: this.env.env(env),
        register: PatronsModule.register,
      }),
    );
    this.rpc = await createRpcTestClient(this.env.natsUrl);
    if (this.opts.db) {
      this.db = new Client({ connectionString: this.env.databaseUrl });
      await this.db.connect();
    }
    await beforeLoans?.(this.rpc);
    const loansEnv = { ...env, ...this.opts.loansEnv };
    this.services.push(
      await startTestService({
        name: 'loans',
        envClass: LoansEnvDto,
        env: this.env.env(loansEnv),
        register: LoansModule.register,
      }),
    );
  }

  async stop(): Promise<void> {
    await this.db?.end();
    await this.rpc?.close();
    for (const s of this.services.reverse()) await s.close();
    await this.env?.stop();
  }

  /** KSL (member library) with its central library KSL-MAIN and the KSL-ZS branch, then `branches`. */
  registerKsl = async (branches: readonly BranchRow[] = []): Promise<void> => {
    await this.rpc.request(CatalogSubjects.upsertAgency, { isil: KSL, name: '昆山市图书馆', kind: 'member' });
    for (const [code, name, kind] of [
      ['KSL-MAIN', '总馆', 'central'] as const,
      ['KSL-ZS', '周市分馆', 'branch'] as const,
      ...branches,
    ]) {
      await this.rpc.request(CatalogSubjects.upsertBranch, { code, agency: KSL, name, kind });
    }
  };

  newRecord = async (title: string, extra: Record<string, unknown> = {}): Promise<string> =>
    (await this.rpc.request<RecordView>(CatalogSubjects.createRecord, { title, ...extra })).id;

  /** a KSL book of KSL-MAIN */
  createItem = (barcode: string, recordId: string, extra: Record<string, unknown> = {}) =>
    this.rpc.request<ItemView>(CatalogSubjects.createItem, {
      agency: KSL,
      barcode,
      recordId,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
      ...extra,
    });

  createPatron = (barcode: string, extra: Record<string, unknown> = {}) =>
    this.rpc.request<PatronView>(PatronSubjects.create, {
      agency: KSL,
      barcode,
      name: '读者',
      patronType: 'adult',
      homeBranch: 'KSL-MAIN',
      cardExpiresOn: '2099-12-31',
      pin: '1234',
      ...this.opts.patronDefaults,
      ...extra,
    });

  /** at KSL-MAIN unless `extra.branch` */
  checkout = (patron: string, item: string, extra: Record<string, unknown> = {}) =>
    this.rpc.request<CheckoutResult>(LoanSubjects.checkout, {
      patron: { agency: KSL, barcode: patron },
      item: { agency: KSL, barcode: item },
      branch: 'KSL-MAIN',
      ...extra,
    });

  checkin = (item: string, branch = 'KSL-MAIN', extra: Record<string, unknown> = {}) =>
    this.rpc.request<CheckinResult>(LoanSubjects.checkin, { item: { agency: KSL, barcode: item }, branch, ...extra });

  renew = (patron: string, item: string) =>
    this.rpc.request<RenewResult>(LoanSubjects.renew, {
      patron: { agency: KSL, barcode: patron },
      item: { agency: KSL, barcode: item },
    });

  summary = (patron: string) =>
    this.rpc.request<PatronSummary>(LoanSubjects.patronSummary, { patron: { agency: KSL, barcode: patron } });

  itemStatus = async (barcode: string) =>
    (await this.rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode })).status;
}
