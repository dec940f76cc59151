import { Logger } from '@nestjs/common';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { loggable, Notice, NoticeSender } from './notice';

const TIMEOUT_MS = 10_000;

/** Default: writes that a notice went out (template, order, reader) — never its code, phone or text. */
export class LoggingSender implements NoticeSender {
  readonly channel = 'log';
  private readonly logger = new Logger('NoticeLog');
  async send(n: Notice): Promise<void> {
    this.logger.log(`notice ${JSON.stringify(loggable(n))}`);
  }
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  // the answer is not logged: an SMS gateway may echo the message back
  if (!res.ok) throw new Error(`notice endpoint answered HTTP ${res.status}`);
  return text ? JSON.parse(text) : null;
}

/** Every notice as JSON to NOTIFIER_WEBHOOK_URL (an in-house message hub, the O2O app's push service). */
export class WebhookSender implements NoticeSender {
  readonly channel = 'webhook';
  constructor(private readonly url: string) {}
  async send(n: Notice): Promise<void> {
    await postJson(this.url, {
      eventId: n.eventId,
      orderId: n.orderId,
      ...(n.holdId ? { holdId: n.holdId } : {}),
      ...(n.loanId ? { loanId: n.loanId } : {}),
      template: n.template,
      patron: n.patron,
      phone: n.phone,
      params: n.params,
      text: n.text,
    });
  }
}

/** `ready=SMS_1,reminder=SMS_2` → map */
export function parseTemplates(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (k && v) out[k.trim()] = v.trim();
  }
  return out;
}

/**
 * Template SMS through an HTTP SMS gateway: POST SMS_API_URL with `{phone, signName, templateCode,
 * params}` and `Authorization: Bearer SMS_API_TOKEN` — the shape of the common Chinese providers'
 * template APIs; put a small relay in front of a provider whose API wants request signing.
 */
export class SmsSender implements NoticeSender {
  readonly channel = 'sms';
  private readonly templates: Record<string, string>;
  constructor(private readonly env: DeliveryEnvDto) {
    this.templates = parseTemplates(env.SMS_TEMPLATES);
  }
  async send(n: Notice): Promise<void> {
    const templateCode = this.templates[n.template];
    if (!templateCode || !n.phone) return; // no template for this notice, or no phone: nothing to send
    await postJson(
      this.env.SMS_API_URL!,
      { phone: n.phone, signName: this.env.SMS_SIGN_NAME, templateCode, params: n.params },
      { authorization: `Bearer ${this.env.SMS_API_TOKEN ?? ''}` },
    );
  }
}

/**
 * WeChat official-account template messages (`/cgi-bin/message/template/send`). The reader's openid is
 * looked up by the `openidFor` function (a binding table of the O2O app; the card barcode until then).
 */
export class WeChatSender implements NoticeSender {
  readonly channel = 'wechat';
  private readonly templates: Record<string, string>;
  private token: { value: string; expiresAt: number } | null = null;
  constructor(
    private readonly env: DeliveryEnvDto,
    private readonly openidFor: (n: Notice) => string | null = () => null,
  ) {
    this.templates = parseTemplates(env.WECHAT_TEMPLATES);
  }
  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const url = `${this.env.WECHAT_API_BASE}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.env.WECHAT_APP_ID ?? '')}&secret=${encodeURIComponent(this.env.WECHAT_APP_SECRET ?? '')}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.json()) as { access_token?: string; expires_in?: number; errcode?: number };
    if (!body.access_token) throw new Error(`WeChat token request failed (errcode ${body.errcode ?? res.status})`);
    this.token = { value: body.access_token, expiresAt: Date.now() + ((body.expires_in ?? 7200) - 300) * 1000 };
    return this.token.value;
  }
  async send(n: Notice): Promise<void> {
    const templateId = this.templates[n.template];
    const touser = this.openidFor(n);
    if (!templateId || !touser) return;
    const data = Object.fromEntries(Object.entries(n.params).map(([k, v]) => [k, { value: v }]));
    const body = (await postJson(
      `${this.env.WECHAT_API_BASE}/cgi-bin/message/template/send?access_token=${await this.accessToken()}`,
      {
        touser,
        template_id: templateId,
        data,
      },
    )) as { errcode?: number } | null;
    if (body?.errcode) throw new Error(`WeChat template message refused (errcode ${body.errcode})`);
  }
}

export function createSender(env: DeliveryEnvDto): NoticeSender {
  switch (env.NOTIFIER_SENDER) {
    case 'webhook':
      if (!env.NOTIFIER_WEBHOOK_URL) throw new Error('NOTIFIER_SENDER=webhook needs NOTIFIER_WEBHOOK_URL');
      return new WebhookSender(env.NOTIFIER_WEBHOOK_URL);
    case 'sms':
      if (!env.SMS_API_URL) throw new Error('NOTIFIER_SENDER=sms needs SMS_API_URL');
      return new SmsSender(env);
    case 'wechat':
      if (!env.WECHAT_APP_ID || !env.WECHAT_APP_SECRET)
        throw new Error('NOTIFIER_SENDER=wechat needs WECHAT_APP_ID and WECHAT_APP_SECRET');
      return new WeChatSender(env);
    default:
      return new LoggingSender();
  }
}
