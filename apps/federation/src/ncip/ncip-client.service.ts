import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { requestContext } from '@app/common';
import { FederationEnvDto } from '../config/federation-env.dto';
import { ExchangeLogService } from '../exchanges/exchange-log.service';
import { Partner } from '../partners/partner-registry.service';
import { NcipProblem, requestMessage } from './ncip-message';
import { buildXml, child, NamespaceStyle, OutEl, parseXml, textAt, XmlNode } from './ncip-xml';

export type NcipCallResult =
  | { kind: 'ok'; body: XmlNode }
  | { kind: 'problem'; problem: NcipProblem; body: XmlNode }
  /** no answer (timeout, connection refused, 5xx, unreadable): the outcome at the partner is unknown */
  | { kind: 'unreachable'; reason: string };

/**
 * Sends NCIP requests to partners with their settings (endpoint, key, namespace style, timeout) and
 * retries that are safe because the partner keys writes on our RequestId (and we on theirs). Every try
 * is in the exchange log (direction out); `queueOnFailure` puts a write that ran out of retries in the
 * failed-exchange queue for a person.
 */
@Injectable()
export class NcipClientService {
  private readonly log = new Logger('ncip-client');

  constructor(
    private readonly env: FederationEnvDto,
    private readonly exchanges: ExchangeLogService,
  ) {}

  async call(
    partner: Partner,
    service: string,
    body: OutEl[],
    opts: { retries?: number; queueOnFailure?: boolean } = {},
  ): Promise<NcipCallResult> {
    const xml = buildXml(
      requestMessage(service, { from: this.env.LIBRARY_ISIL, to: partner.isil }, body),
      partner.ncip.namespaceStyle as NamespaceStyle,
    );
    if (!partner.ncip.endpoint)
      return this.giveUp(partner, service, xml, 'no NCIP endpoint configured', 0, opts.queueOnFailure);
    const tries = 1 + (opts.retries ?? partner.ncip.retries);
    let reason = '';
    for (let attempt = 1; attempt <= tries; attempt++) {
      const r = await this.once(partner, service, xml);
      if (r.kind !== 'unreachable') return r;
      reason = r.reason;
    }
    return this.giveUp(partner, service, xml, reason, tries, opts.queueOnFailure);
  }

  private async giveUp(
    partner: Partner,
    service: string,
    xml: string,
    reason: string,
    attempts: number,
    queue?: boolean,
  ): Promise<NcipCallResult> {
    if (queue) {
      await this.exchanges.enqueueFailure({
        partner: partner.isil,
        service,
        request: xml,
        reason,
        attempts,
        correlationId: requestContext.correlationId() ?? null,
        // sent again by itself with backoff (the partner keys writes on our ids); then a person
        retry: attempts > 0,
      });
    }
    return { kind: 'unreachable', reason };
  }

  /** Send a message as it was written before (a queued failed exchange), once; logged like any other. */
  resend(partner: Partner, service: string, xml: string, correlationId?: string | null): Promise<NcipCallResult> {
    if (!partner.ncip.endpoint) return Promise.resolve({ kind: 'unreachable', reason: 'no NCIP endpoint configured' });
    return this.once(partner, service, xml, correlationId ?? undefined);
  }

  private async once(
    partner: Partner,
    service: string,
    xml: string,
    correlationIdOf?: string,
  ): Promise<NcipCallResult> {
    const started = performance.now();
    const correlationId = correlationIdOf ?? requestContext.correlationId() ?? randomUUID();
    let response: string | null = null;
    let result: NcipCallResult;
    try {
      const res = await fetch(partner.ncip.endpoint!, {
        method: 'POST',
        headers: {
          'content-type': 'application/xml; charset=utf-8',
          'x-correlation-id': correlationId,
          ...(partner.ncip.outboundKey ? { 'x-ncip-key': partner.ncip.outboundKey } : {}),
        },
        body: xml,
        signal: AbortSignal.timeout(partner.ncip.timeoutMs),
      });
      response = await res.text();
      result = res.status >= 500 ? { kind: 'unreachable', reason: `HTTP ${res.status}` } : this.read(service, response);
    } catch (e) {
      result = {
        kind: 'unreachable',
        reason:
          (e as Error).name === 'TimeoutError' ? `no answer within ${partner.ncip.timeoutMs} ms` : (e as Error).message,
      };
    }
    await this.exchanges
      .record({
        correlationId,
        direction: 'out',
        partner: partner.isil,
        service,
        outcome: result.kind === 'ok' ? 'ok' : result.kind === 'problem' ? 'problem' : 'error',
        problem:
          result.kind === 'problem'
            ? result.problem.type
            : result.kind === 'unreachable'
              ? result.reason.slice(0, 200)
              : null,
        durationMs: performance.now() - started,
        request: xml,
        response,
      })
      .catch((e: Error) => this.log.error(`exchange log write failed: ${e.message}`));
    return result;
  }

  /** A partner's answer, read as leniently as their requests: the service response or a Problem anywhere. */
  private read(service: string, xml: string): NcipCallResult {
    let root: XmlNode;
    try {
      root = parseXml(xml, { maxBytes: this.env.NCIP_MAX_BYTES, maxDepth: 32 });
    } catch (e) {
      return { kind: 'unreachable', reason: `unreadable answer: ${(e as Error).message}` };
    }
    const body = child(root, `${service}Response`) ?? root;
    const p = child(body, 'Problem');
    if (p)
      return {
        kind: 'problem',
        body,
        problem: {
          type: textAt(p, 'ProblemType') ?? 'Unknown',
          detail: textAt(p, 'ProblemDetail'),
          element: textAt(p, 'ProblemElement'),
          value: textAt(p, 'ProblemValue'),
        },
      };
    return { kind: 'ok', body };
  }
}
