import type { Sip2Charset } from '@app/sip2-protocol';
import type { Sip2ErrorDetectionMode, Sip2LanguageField, Sip2ScreenLanguage, Sip2TerminalView } from '@app/contracts';
import { Sip2TerminalEntity } from '../entities/sip2-terminal.entity';

/** The settings a session runs with, once its terminal is known. */
export interface TerminalAccount {
  login: string;
  passwordHash: string;
  institutionId: string;
  location: string;
  charset: Sip2Charset;
  terminator: '\r' | '\r\n';
  delimiter: string;
  errorDetection: Sip2ErrorDetectionMode;
  allowScStatusBeforeLogin: boolean;
  loginTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  enabled: boolean;
  /** profile (docs/sip2.md §2.1) */
  checkinNotOnLoanOk: boolean;
  checkinTrapsHolds: boolean;
  contactWithoutPin: boolean;
  languageField: Sip2LanguageField;
  screenLanguage: Sip2ScreenLanguage;
}

export const toTerminalAccount = (e: Sip2TerminalEntity): TerminalAccount => ({
  login: e.login,
  passwordHash: e.passwordHash,
  institutionId: e.institutionId,
  location: e.location,
  charset: e.charset as Sip2Charset,
  terminator: e.terminator === 'CRLF' ? '\r\n' : '\r',
  delimiter: e.fieldDelimiter,
  errorDetection: e.errorDetection as Sip2ErrorDetectionMode,
  allowScStatusBeforeLogin: e.allowScStatusBeforeLogin,
  loginTimeoutSeconds: e.loginTimeoutSeconds,
  idleTimeoutSeconds: e.idleTimeoutSeconds,
  enabled: e.enabled,
  ...profileOf(e),
});

const profileOf = (e: Sip2TerminalEntity) => ({
  checkinNotOnLoanOk: e.checkinNotOnLoanOk,
  checkinTrapsHolds: e.checkinTrapsHolds,
  contactWithoutPin: e.contactWithoutPin,
  languageField: e.languageField as Sip2LanguageField,
  screenLanguage: e.screenLanguage as Sip2ScreenLanguage,
});

export const toTerminalView = (e: Sip2TerminalEntity): Sip2TerminalView => ({
  login: e.login,
  institutionId: e.institutionId,
  location: e.location,
  charset: e.charset as Sip2TerminalView['charset'],
  terminator: e.terminator as Sip2TerminalView['terminator'],
  fieldDelimiter: e.fieldDelimiter,
  errorDetection: e.errorDetection as Sip2ErrorDetectionMode,
  allowScStatusBeforeLogin: e.allowScStatusBeforeLogin,
  loginTimeoutSeconds: e.loginTimeoutSeconds,
  idleTimeoutSeconds: e.idleTimeoutSeconds,
  enabled: e.enabled,
  description: e.description,
  ...profileOf(e),
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
