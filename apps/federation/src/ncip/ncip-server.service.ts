import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requestContext } from '@app/common';
import { NcipExchangeDto, NcipExchangeReply } from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { ExchangeLogService } from '../exchanges/exchange-log.service';
import { KeyPrincipal, PartnerRegistryService } from '../partners/partner-registry.service';
import { HandlerContext, NcipHandlersService } from './ncip-handlers.service';
import {
  lookupVersionResponse,
  NcipProblem,
  NcipProblemError,
  NcipRequest,
  ProblemSchemes,
  problemEl,
  readRequest,
  readRequestId,
  responseMessage,
  SUPPORTED_SERVICES,
  topLevelProblem,
} from './ncip-message';
import { buildXml, NamespaceStyle, OutEl, parseXml, XmlRefused } from './ncip-xml';

type Handler = (ctx: HandlerContext) => Promise<OutEl[]>;

/**
 * Writes answered from the replay table when a partner retries: keyed on (FromAgencyId, service, RequestId).
 * Without a RequestId the writes are idempotent by themselves: a CheckOutItem of an item already on loan
 * to the same user answers with that loan, a RecallItem or DeleteItem repeated changes nothing, and an
 * item-keyed replay would answer a later, different CheckInItem or CheckOutItem of the same copy wrongly.
 */
const REPLAYED = new Set([
  'CheckOutItem',
  'CheckInItem',
  'RequestItem',
  'CancelRequestItem',
  'AcceptItem',
  'RenewItem',
  'RecallItem',
  'DeleteItem',
]);

/**
 * The NCIP 2.02 responder: parse safely, authenticate the partner key against FromAgencyId, answer
 * retried writes from the replay table, dispatch, and log every exchange (redacted).
 */
@Injectable()
export class NcipServerService implements OnModuleInit, OnModuleDestroy {
  private pruneTimer?: NodeJS.Timeout;
  private readonly log = new Logger('ncip-server');
  private readonly handlers: Record<string, Handler>;

  constructor(
    private readonly env: FederationEnvDto,
    private readonly partners: PartnerRegistryService,
    private readonly exchanges: ExchangeLogService,
    private readonly h: NcipHandlersService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.handlers = {
      LookupUser: (c) => h.lookupUser(c),
      LookupItem: (c) => h.lookupItem(c),
      CheckOutItem: (c) => h.checkOutItem(c),
      CheckInItem: (c) => h.checkInItem(c),
      RenewItem: (c) => h.renewItem(c),
      RequestItem: (c) => h.requestItem(c),
      CancelRequestItem: (c) => h.cancelRequestItem(c),
      AcceptItem: (c) => h.acceptItem(c),
      RecallItem: (c) => h.recallItem(c),
      DeleteItem: (c) => h.deleteItem(c),
    };
  }

  /**
   * Hourly: replay records older than NCIP_REPLAY_DAYS (a partner retries within minutes, not weeks) and
   * exchange log rows older than NCIP_EXCHANGE_RETENTION_DAYS are deleted.
   */
  onModuleInit(): void {
    this.pruneTimer = setInterval(() => {
      this.db
        .query(`DELETE FROM federation.replays WHERE created_at < now() - make_interval(days => $1)`, [
          this.env.NCIP_REPLAY_DAYS,
        ])
        .catch((e: Error) => this.log.warn(`replay pruning failed: ${e.message}`));
      this.exchanges
        .purgeOlderThan(this.env.NCIP_EXCHANGE_RETENTION_DAYS)
        .catch((e: Error) => this.log.warn(`exchange log purge failed: ${e.message}`));
    }, 3_600_000);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  async exchange(dto: NcipExchangeDto): Promise<NcipExchangeReply> {
    const started = performance.now();
    const correlationId = requestContext.correlationId() ?? randomUUID();
    let partner: string | null = null;
    let service: string | null = null;
    let outcome: 'ok' | 'problem' | 'error' | 'replayed' = 'ok';
    let problemType: string | null = null;
    let xml: string;
    let status = 200;
    const fail = (p: NcipProblem) => {
      outcome = 'error';
      problemType = p.type;
      return buildXml(topLevelProblem([p]));
    };
    try {
      let req: NcipRequest;
      if (dto.refused === 'too_large') {
        status = 413;
        throw new NcipProblemError({
          type: 'Invalid Message Syntax Error',
          scheme: ProblemSchemes.general,
          detail: 'the message is larger than this server accepts',
          element: 'NCIPMessage',
        });
      }
      try {
        req = readRequest(parseXml(dto.xml, { maxBytes: this.env.NCIP_MAX_BYTES, maxDepth: 32 }));
      } catch (e) {
        if (e instanceof XmlRefused)
          throw new NcipProblemError({
            type: 'Invalid Message Syntax Error',
            scheme: ProblemSchemes.general,
            detail: e.message,
            element: 'NCIPMessage',
          });
        throw e;
      }
      service = req.service;
      if (req.service === 'LookupVersion') {
        // discovery needs no key; answered in the version-discovery schema
        xml = buildXml(
          lookupVersionResponse(
            { from: req.toAgency ?? this.env.LIBRARY_ISIL, to: req.fromAgency ?? 'unknown' },
            SUPPORTED_SERVICES,
          ),
          'none',
        );
      } else {
        const principal = dto.key ? await this.partners.authenticate(dto.key) : null;
        if (!principal) {
          xml = fail({
            type: 'Agency Authentication Failed',
            scheme: ProblemSchemes.general,
            detail: dto.key
              ? 'the key is not valid'
              : 'send your partner key in the X-NCIP-Key header or as /ncip/<key>',
            element: 'InitiationHeader/FromAgencyAuthentication',
          });
        } else {
          partner = principal.partner.isil;
          const from = req.fromAgency ?? principal.partner.isil;
          if (!principal.allowedAgencyIds.includes(from)) {
            xml = fail({
              type: 'Agency Authentication Failed',
              scheme: ProblemSchemes.general,
              detail: 'this key may not act for that FromAgencyId',
              element: 'InitiationHeader/FromAgencyId/AgencyId',
              value: from,
            });
          } else if (!this.handlers[req.service]) {
            xml = fail({
              type: 'Unsupported Service',
              scheme: ProblemSchemes.general,
              detail: `${req.service} is not a service we answer`,
              element: req.service,
              value: req.service,
            });
          } else {
            const r = await this.dispatch(req, principal, from);
            xml = r.xml;
            outcome = r.outcome;
            problemType = r.problem;
          }
        }
      }
    } catch (e) {
      if (e instanceof NcipProblemError) xml = fail(e.problem);
      else {
        this.log.error(`NCIP exchange failed: ${(e as Error).message}`);
        xml = fail({
          type: 'Temporary Processing Failure',
          scheme: ProblemSchemes.general,
          detail: `try again later (reference ${correlationId})`,
        });
      }
    }
    const durationMs = performance.now() - started;
    await this.exchanges
      .record({
        correlationId,
        direction: 'in',
        partner,
        service,
        outcome,
        problem: problemType,
        durationMs,
        request: dto.xml,
        response: xml,
      })
      .catch((e: Error) => this.log.error(`exchange log write failed: ${e.message}`));
    return { status, xml, correlationId };
  }

  private async dispatch(
    req: NcipRequest,
    principal: KeyPrincipal,
    from: string,
  ): Promise<{ xml: string; outcome: 'ok' | 'problem' | 'replayed'; problem: string | null }> {
    const header = { from: req.toAgency ?? this.env.LIBRARY_ISIL, to: from };
    const style = principal.partner.ncip.namespaceStyle as NamespaceStyle;
    const ctx: HandlerContext = { req, partner: principal.partner, from, actor: `ncip:${principal.partner.isil}` };
    const run = async (): Promise<{ xml: string; ok: boolean; problem: string | null }> => {
      try {
        const body = await this.handlers[req.service](ctx);
        return { xml: buildXml(responseMessage(req.service, header, body), style), ok: true, problem: null };
      } catch (e) {
        if (!(e instanceof NcipProblemError)) throw e;
        return {
          xml: buildXml(responseMessage(req.service, header, [problemEl(e.problem)]), style),
          ok: false,
          problem: e.problem.type,
        };
      }
    };
    const idem = REPLAYED.has(req.service) ? readRequestId(req.node)?.value : undefined;
    if (!idem) {
      const r = await run();
      return { xml: r.xml, outcome: r.ok ? 'ok' : 'problem', problem: r.problem };
    }
    // one at a time per key (a retry racing the original waits for it), answered from the table after
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`ncip:${from}:${req.service}:${idem}`]);
      const [hit] = await m.query(
        `SELECT response FROM federation.replays WHERE from_agency = $1 AND service = $2 AND idem_key = $3`,
        [from, req.service, idem],
      );
      if (hit) return { xml: hit.response as string, outcome: 'replayed' as const, problem: null };
      const r = await run();
      if (r.ok) {
        // only successes are kept: a refused write is evaluated again when retried
        await m.query(
          `INSERT INTO federation.replays (from_agency, service, idem_key, response) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
          [from, req.service, idem, r.xml],
        );
      }
      return { xml: r.xml, outcome: r.ok ? ('ok' as const) : ('problem' as const), problem: r.problem };
    });
  }
}
