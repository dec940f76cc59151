import { ApiProperty, ApiPropertyOptional } from '@app/contracts/common/api-doc';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

/**
 * `ops` can do everything `staff` can, plus manage API keys, agencies and branches. `device` is a smart
 * locker controller bound to one locker site: it may call the device endpoints only.
 */
export const ApiKeyRoles = ['staff', 'ops', 'device'] as const;
export type ApiKeyRole = (typeof ApiKeyRoles)[number];

export class CreateApiKeyDto {
  @ApiProperty({ example: 'desk-ksl-main-1', description: 'who or what uses the key (shown in lists and logs)' })
  @IsString()
  @Length(1, 100)
  @Matches(/^\S(.*\S)?$/, { message: 'name must not start or end with whitespace' })
  name: string;

  @ApiProperty({ enum: ApiKeyRoles, example: 'staff' })
  @IsIn(ApiKeyRoles)
  role: ApiKeyRole;

  @ApiPropertyOptional({
    example: 'KSL-LK-BC',
    description: 'role device: the locker site the key is bound to (required for device, refused otherwise)',
  })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}$/)
  locker?: string;
}

export class ApiKeyIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

/** An API key as listed: never the key or its hash, only a short prefix to recognise it. */
export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'desk-ksl-main-1' })
  name: string;

  @ApiProperty({ enum: ApiKeyRoles })
  role: ApiKeyRole;

  @ApiPropertyOptional({
    example: 'KSL-LK-BC',
    nullable: true,
    type: String,
    description: 'device keys: the locker site',
  })
  locker?: string | null;

  @ApiProperty({ example: 'kc_Xy12ab', description: 'first characters of the key, not secret' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'updated at most once per auth-cache period',
  })
  lastUsedAt: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  revokedAt: string | null;
}

/** The answer to creating a key: the only time the plaintext key is shown. */
export class CreatedApiKeyDto extends ApiKeyViewDto {
  @ApiProperty({ description: 'the key itself; store it now, it cannot be shown again' })
  key: string;
}
