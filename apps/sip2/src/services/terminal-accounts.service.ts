import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, SecretHasher, TtlCache, VerifiedSecretCache } from '@app/common';
import { ErrorCode, ListSip2TerminalsDto, Page, Sip2TerminalView, UpsertSip2TerminalDto } from '@app/contracts';
import { Sip2EnvDto } from '../config/sip2-env.dto';
import { Sip2TerminalRepository } from '../repositories/sip2-terminal.repository';
import { TerminalAccount, toTerminalAccount, toTerminalView } from './terminal-account';

export const TERMINAL_DEFAULTS = {
  charset: 'utf-8',
  terminator: 'CR',
  fieldDelimiter: '|',
  errorDetection: 'auto',
  allowScStatusBeforeLogin: false,
  loginTimeoutSeconds: 60,
  idleTimeoutSeconds: 900,
  enabled: true,
  // profile: today's behaviour
  checkinNotOnLoanOk: true,
  checkinTrapsHolds: true,
  contactWithoutPin: false,
  languageField: 'patron',
  screenLanguage: 'both',
} as const;

export type LoginCheck =
  | { ok: true; account: TerminalAccount }
  | { ok: false; reason: 'unknown' | 'disabled' | 'bad-password'; account?: TerminalAccount };

/**
 * Terminal accounts: admin operations over NATS and the lookups the SIP2 sessions make. Accounts are cached
 * in memory for SIP2_ACCOUNT_CACHE_SECONDS so a busy kiosk costs no database round trip per message; a
 * change made through this process is visible at once, one made through another replica within the TTL.
 */
@Injectable()
export class TerminalAccountsService {
  private readonly cache: TtlCache<string, TerminalAccount | null>;
  private readonly verified: VerifiedSecretCache;
  private readonly hasher = new SecretHasher();
  private dummy?: Promise<string>;
  private beforeLogin?: { accounts: TerminalAccount[]; until: number };
  private readonly ttlMs: number;

  constructor(
    private readonly repo: Sip2TerminalRepository,
    env: Sip2EnvDto,
  ) {
    this.ttlMs = env.SIP2_ACCOUNT_CACHE_SECONDS * 1000;
    this.cache = new TtlCache(this.ttlMs);
    this.verified = new VerifiedSecretCache(this.ttlMs);
  }

  async upsert(dto: UpsertSip2TerminalDto): Promise<Sip2TerminalView> {
    const existing = await this.repo.findByLogin(dto.login);
    if (!existing && !dto.password) {
      throw new DomainError(ErrorCode.ValidationFailed, `password is required to create terminal ${dto.login}`, {
        fields: [{ field: 'password', problems: ['password is required when creating a terminal'] }],
      });
    }
    // Re-seeding with the same password keeps the stored hash (idempotent, no needless rehash).
    let passwordHash = existing?.passwordHash;
    if (dto.password && !(existing && (await this.hasher.verify(dto.password, existing.passwordHash)))) {
      passwordHash = await this.hasher.hash(dto.password);
    }
    const base = existing ?? TERMINAL_DEFAULTS;
    const saved = await this.repo.upsert({
      login: dto.login,
      passwordHash: passwordHash!,
      institutionId: dto.institutionId,
      location: dto.location,
      charset: dto.charset ?? base.charset,
      terminator: dto.terminator ?? base.terminator,
      fieldDelimiter: dto.fieldDelimiter ?? base.fieldDelimiter,
      errorDetection: dto.errorDetection ?? base.errorDetection,
      allowScStatusBeforeLogin: dto.allowScStatusBeforeLogin ?? base.allowScStatusBeforeLogin,
      loginTimeoutSeconds: dto.loginTimeoutSeconds ?? base.loginTimeoutSeconds,
      idleTimeoutSeconds: dto.idleTimeoutSeconds ?? base.idleTimeoutSeconds,
      enabled: dto.enabled ?? base.enabled,
      description: dto.description ?? existing?.description ?? null,
      checkinNotOnLoanOk: dto.checkinNotOnLoanOk ?? base.checkinNotOnLoanOk,
      checkinTrapsHolds: dto.checkinTrapsHolds ?? base.checkinTrapsHolds,
      contactWithoutPin: dto.contactWithoutPin ?? base.contactWithoutPin,
      languageField: dto.languageField ?? base.languageField,
      screenLanguage: dto.screenLanguage ?? base.screenLanguage,
    });
    this.invalidate(dto.login);
    return toTerminalView(saved);
  }

  async get(login: string): Promise<Sip2TerminalView> {
    const row = await this.repo.findByLogin(login);
    if (!row) throw new DomainError(ErrorCode.NotFound, `terminal ${login} not found`);
    return toTerminalView(row);
  }

  async list(dto: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.repo.search({
      enabled: dto.enabled,
      institutionId: dto.institutionId,
      limit,
      offset,
    });
    return { items: rows.map(toTerminalView), total, limit, offset };
  }

  async setEnabled(login: string, enabled: boolean): Promise<Sip2TerminalView> {
    if (!(await this.repo.setEnabled(login, enabled)))
      throw new DomainError(ErrorCode.NotFound, `terminal ${login} not found`);
    this.invalidate(login);
    return this.get(login);
  }

  /** Cached account lookup used on every message of a session (to notice a disabled terminal). */
  async account(login: string): Promise<TerminalAccount | null> {
    const hit = this.cache.get(login);
    if (hit !== undefined) return hit;
    const row = await this.repo.findByLogin(login);
    const account = row ? toTerminalAccount(row) : null;
    this.cache.set(login, account);
    return account;
  }

  /** A hash of a random password with the current parameters, verified when a login is unknown (call once at boot). */
  dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash(randomBytes(18).toString('base64'));
    return this.dummy;
  }

  async checkLogin(login: string, password: string): Promise<LoginCheck> {
    const account = await this.account(login);
    // an unknown or disabled login costs the same scrypt as a wrong password: timing tells nothing
    if (!account) {
      await this.hasher.verify(password, await this.dummyHash());
      return { ok: false, reason: 'unknown' };
    }
    if (!account.enabled) {
      await this.hasher.verify(password, account.passwordHash);
      return { ok: false, reason: 'disabled', account };
    }
    if (this.verified.matches(login, password, account.passwordHash)) return { ok: true, account };
    if (!(await this.hasher.verify(password, account.passwordHash)))
      return { ok: false, reason: 'bad-password', account };
    this.verified.remember(login, password, account.passwordHash);
    return { ok: true, account };
  }

  /** Accounts allowed to answer 99 before 93, first in login order (Evergreen's choice). */
  async scStatusBeforeLoginAccounts(): Promise<TerminalAccount[]> {
    if (this.beforeLogin && this.beforeLogin.until > Date.now()) return this.beforeLogin.accounts;
    const accounts = (await this.repo.findScStatusBeforeLogin()).map(toTerminalAccount);
    if (this.ttlMs > 0) this.beforeLogin = { accounts, until: Date.now() + this.ttlMs };
    return accounts;
  }

  private invalidate(login: string): void {
    this.beforeLogin = undefined;
    this.cache.delete(login);
    this.verified.invalidate(login);
  }
}
