import { ApiProperty, OmitType } from '@app/contracts/common/api-doc';
import { IsBoolean } from 'class-validator';
import { UpsertSip2TerminalDto } from '@app/contracts';

/** PUT /api/sip2/terminals/:login body: the login comes from the path. */
export class UpsertSip2TerminalBodyDto extends OmitType(UpsertSip2TerminalDto, ['login'] as const) {}

/** PUT /api/sip2/terminals/:login/enabled body */
export class SetSip2TerminalEnabledBodyDto {
  @ApiProperty({ description: 'false disables logins for this terminal' })
  @IsBoolean()
  enabled: boolean;
}
