import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  DeleteLoanRuleResult,
  ListLoanRulesDto,
  LoanDryRunDto,
  LoanDryRunResult,
  LoanRuleIdDto,
  LoanRuleView,
  LoansRulesDelete,
  LoansRulesDryRun,
  LoansRulesList,
  LoansRulesUpsert,
} from '@app/contracts';
import { ErrorResponseDto, UpsertLoanRuleBodyDto } from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';

/** The circulation policy matrix: staff read it and dry-run checkouts; ops change it (loans.rules.*.v1). */
@ApiTags('circulation rules')
@ApiKeyAuth()
@Controller('api/circulation-rules')
export class CirculationRulesController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'List the loan rules, most specific scope first (optionally one scope)' })
  @ApiOkResponse({ description: 'LoanRuleView[]' })
  list(@Query() query: ListLoanRulesDto): Promise<LoanRuleView[]> {
    return this.rpc.call(LoansRulesList, query);
  }

  @Post('dry-run')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'What would happen if this patron borrowed this item at this branch now: outcome, matching rule, due date',
  })
  @ApiOkResponse({ description: "LoanDryRunResult: outcome 'allowed' or the refusal code a checkout would give" })
  dryRun(@Body() dto: LoanDryRunDto): Promise<LoanDryRunResult> {
    return this.rpc.call(LoansRulesDryRun, dto);
  }

  @Put(':id')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Create or replace a rule (ops); keyed by (scope, patronType, itemType), each may be *' })
  @ApiOkResponse({ description: 'LoanRuleView' })
  @ApiConflictResponse({
    description: 'CONFLICT: another rule already has this key, or the catch-all would change its key',
    type: ErrorResponseDto,
  })
  upsert(@Param() p: LoanRuleIdDto, @Body() body: UpsertLoanRuleBodyDto): Promise<LoanRuleView> {
    return this.rpc.call(LoansRulesUpsert, { ...body, id: p.id });
  }

  @Delete(':id')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Delete a rule (ops); the network catch-all (*, *, *) cannot be deleted' })
  @ApiOkResponse({ description: '{ id, deleted }' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND', type: ErrorResponseDto })
  delete(@Param() p: LoanRuleIdDto): Promise<DeleteLoanRuleResult> {
    return this.rpc.call(LoansRulesDelete, p);
  }
}
