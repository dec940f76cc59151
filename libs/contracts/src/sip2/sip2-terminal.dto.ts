import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { PageQueryDto } from '../common/page.dto';

/** Character sets a terminal may speak (the checksum is computed over bytes in this charset). */
export const Sip2TerminalCharsets = ['utf-8', 'gb18030', 'cp850', 'ascii'] as const;
export type Sip2TerminalCharset = (typeof Sip2TerminalCharsets)[number];

/** Output terminator: CR per the 3M spec; CRLF for Koha-style clients. Input accepts both always. */
export const Sip2Terminators = ['CR', 'CRLF'] as const;
export type Sip2Terminator = (typeof Sip2Terminators)[number];

/**
 * auto: per message (use AY/AZ when the request had them, Evergreen/Koha); required: a message without a
 * valid checksum is answered with 96 (FOLIO's errorDetectionEnabled).
 */
export const Sip2ErrorDetectionModes = ['auto', 'required'] as const;
export type Sip2ErrorDetectionMode = (typeof Sip2ErrorDetectionModes)[number];

/** 24/64 language field: the patron's language (patron), or the language the request asked for (echo). */
export const Sip2LanguageFields = ['patron', 'echo'] as const;
export type Sip2LanguageField = (typeof Sip2LanguageFields)[number];

/** Screen messages (AF): Chinese and English together, or one of them (a 23/63 language still switches it). */
export const Sip2ScreenLanguages = ['both', 'zh', 'en'] as const;
export type Sip2ScreenLanguage = (typeof Sip2ScreenLanguages)[number];

export const SIP2_LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
/** one printable ASCII character that cannot occur in field ids or fixed fields */
export const SIP2_DELIMITER_PATTERN = /^[!-/:-@[-`{-~]$/;

const CHARSET_ALIASES: Record<string, string> = { utf8: 'utf-8', gbk: 'gb18030', ibm850: 'cp850', 'us-ascii': 'ascii' };
const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (CHARSET_ALIASES[value.trim().toLowerCase()] ?? value.trim().toLowerCase()) : value;
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class Sip2TerminalRefDto {
  @ApiProperty({ example: 'kiosk01', description: 'SIP2 login user id (93 CN)' })
  @Matches(SIP2_LOGIN_PATTERN, { message: 'login must be 1-64 letters, digits, dot, dash, underscore or @' })
  login: string;
}

/** Create or update a terminal account by login. The password is required on create, optional on update. */
export class UpsertSip2TerminalDto extends Sip2TerminalRefDto {
  @ApiPropertyOptional({
    example: 'kiosk01-secret',
    description: 'SIP2 login password (93 CO); stored as a scrypt hash, never returned',
  })
  @IsOptional()
  @IsString()
  @MinLength(6)
  @MaxLength(128)
  password?: string;

  @ApiProperty({
    example: 'CN-320583-1-KSL',
    description: 'institution id (AO): the agency ISIL for patrons and items',
  })
  @Matches(ISIL_PATTERN, { message: 'institutionId must be an ISIL such as CN-320583-1-KSL' })
  institutionId: string;

  @ApiProperty({
    example: 'KSL-MAIN',
    description: 'branch/location code where the terminal stands (checkout/checkin branch)',
  })
  @Matches(BRANCH_CODE_PATTERN)
  location: string;

  @ApiPropertyOptional({ enum: Sip2TerminalCharsets, default: 'utf-8' })
  @IsOptional()
  @Transform(lower)
  @IsIn(Sip2TerminalCharsets)
  charset?: Sip2TerminalCharset;

  @ApiPropertyOptional({ enum: Sip2Terminators, default: 'CR' })
  @IsOptional()
  @Transform(upper)
  @IsIn(Sip2Terminators)
  terminator?: Sip2Terminator;

  @ApiPropertyOptional({
    example: '|',
    default: '|',
    description: 'field delimiter: one printable, non-alphanumeric ASCII character',
  })
  @IsOptional()
  @Matches(SIP2_DELIMITER_PATTERN, { message: 'fieldDelimiter must be one printable non-alphanumeric ASCII character' })
  fieldDelimiter?: string;

  @ApiPropertyOptional({ enum: Sip2ErrorDetectionModes, default: 'auto' })
  @IsOptional()
  @IsIn(Sip2ErrorDetectionModes)
  errorDetection?: Sip2ErrorDetectionMode;

  @ApiPropertyOptional({
    default: false,
    description: 'answer 99 SC Status before 93 Login (raw clients such as Relais)',
  })
  @IsOptional()
  @IsBoolean()
  allowScStatusBeforeLogin?: boolean;

  @ApiPropertyOptional({
    default: 60,
    description: 'seconds a connection may stay unauthenticated after naming this login',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(3600)
  loginTimeoutSeconds?: number;

  @ApiPropertyOptional({
    default: 900,
    description: 'idle seconds before the connection is closed (kiosks send 99 every 5-7 minutes)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86400)
  idleTimeoutSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: '总馆一楼自助借还机' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'profile: a 09 for an item that was not on loan is answered ok 1 (true) or ok 0 (false: sorters send it to the exception bin)',
  })
  @IsOptional()
  @IsBoolean()
  checkinNotOnLoanOk?: boolean;

  @ApiPropertyOptional({
    default: true,
    description:
      'profile: checkins here trap waiting holds (false: a book drop without a hold shelf; the copy is trapped at the next checkin elsewhere)',
  })
  @IsOptional()
  @IsBoolean()
  checkinTrapsHolds?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'profile: 64 sends BE (e-mail), BF (phone) and BD (address) without a correct PIN',
  })
  @IsOptional()
  @IsBoolean()
  contactWithoutPin?: boolean;

  @ApiPropertyOptional({
    enum: Sip2LanguageFields,
    default: 'patron',
    description: "profile: the 24/64 language field gives the patron's language, or echoes the request's",
  })
  @IsOptional()
  @IsIn(Sip2LanguageFields)
  languageField?: Sip2LanguageField;

  @ApiPropertyOptional({
    enum: Sip2ScreenLanguages,
    default: 'both',
    description: 'profile: screen-message (AF) language(s) a session starts with',
  })
  @IsOptional()
  @IsIn(Sip2ScreenLanguages)
  screenLanguage?: Sip2ScreenLanguage;
}

export class ListSip2TerminalsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only enabled (true) or disabled (false) terminals' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ISIL_PATTERN)
  institutionId?: string;
}

export class SetSip2TerminalEnabledDto extends Sip2TerminalRefDto {
  @ApiProperty({ description: "false disables logins and ends the terminal's open sessions at their next message" })
  @IsBoolean()
  enabled: boolean;
}

/** What callers see of a terminal account: never the password or its hash. */
export interface Sip2TerminalView {
  login: string;
  institutionId: string;
  location: string;
  charset: Sip2TerminalCharset;
  terminator: Sip2Terminator;
  fieldDelimiter: string;
  errorDetection: Sip2ErrorDetectionMode;
  allowScStatusBeforeLogin: boolean;
  loginTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  enabled: boolean;
  description: string | null;
  checkinNotOnLoanOk: boolean;
  checkinTrapsHolds: boolean;
  contactWithoutPin: boolean;
  languageField: Sip2LanguageField;
  screenLanguage: Sip2ScreenLanguage;
  createdAt: string;
  updatedAt: string;
  /** live guessing state of this terminal in the answering sip2 process (get and clear only) */
  throttle?: Sip2TerminalThrottleState;
}

/** Wrong passwords and PINs seen for a terminal in the last minute, and what they cost it now. */
export interface Sip2TerminalThrottleState {
  loginFailuresLastMinute: number;
  lastLoginFailureFrom: string | null;
  pinFailuresLastMinute: number;
  /** delay the next wrong PIN through this terminal gets (0 = none) */
  pinFailureDelayMs: number;
  /** cards whose PIN is no longer checked at this terminal for the rest of the minute */
  throttledCards: number;
  /** why the terminal is slowed, for staff; null when it is not */
  reason: string | null;
}
