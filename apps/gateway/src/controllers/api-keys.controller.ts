import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiKeyIdParamDto, ApiKeyViewDto, CreateApiKeyDto, CreatedApiKeyDto, ErrorResponseDto } from '../dto';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { ApiKeyService } from '../services/api-key.service';

@ApiTags('api-keys')
@ApiKeyAuth()
@RequireRole('ops')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key (ops); the key is in the answer and never shown again' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (ops), revoked ones included' })
  @ApiOkResponse({ type: ApiKeyViewDto, isArray: true })
  list(): Promise<ApiKeyViewDto[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key (ops); refused for the last active ops key' })
  @ApiOkResponse({ type: ApiKeyViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  revoke(@Param() p: ApiKeyIdParamDto): Promise<ApiKeyViewDto> {
    return this.keys.revoke(p.id);
  }
}
