import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgencyView, BranchView } from '@app/contracts';
import { BranchCodeParamDto, IsilParamDto, UpsertAgencyBodyDto, UpsertBranchBodyDto } from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { CatalogApiService } from '../services/catalog-api.service';

@ApiTags('agencies')
@ApiKeyAuth()
@Controller('api')
export class AgenciesController {
  constructor(private readonly catalog: CatalogApiService) {}

  @Get('agencies')
  @ApiOperation({ summary: 'List agencies (libraries) with their branches' })
  @ApiOkResponse({ description: 'AgencyView[]' })
  list(): Promise<AgencyView[]> {
    return this.catalog.listAgencies();
  }

  @Put('agencies/:isil')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Create or update an agency (ops)' })
  @ApiOkResponse({ description: 'AgencyView' })
  upsertAgency(@Param() p: IsilParamDto, @Body() body: UpsertAgencyBodyDto): Promise<AgencyView> {
    return this.catalog.upsertAgency(p.isil, body);
  }

  @Put('branches/:code')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Create or update a branch, 24-hour library or locker (ops)' })
  @ApiOkResponse({ description: 'BranchView' })
  upsertBranch(@Param() p: BranchCodeParamDto, @Body() body: UpsertBranchBodyDto): Promise<BranchView> {
    return this.catalog.upsertBranch(p.code, body);
  }
}
