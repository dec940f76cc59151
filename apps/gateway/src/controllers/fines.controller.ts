import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  ClaimReturnedDto,
  ClaimReturnedResult,
  FinesPage,
  LoansClaimReturned,
  LoansFinesList,
  LoansFinesPay,
  LoansFinesWaive,
  LoansMarkLost,
  MarkLostDto,
  MarkLostResult,
  PatronRefDto,
  PayFinesResult,
  WaiveFineResult,
} from '@app/contracts';
import { ErrorResponseDto, FineIdParamDto, ListFinesQueryDto, PayFinesBodyDto, WaiveFineBodyDto } from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { ApiIdempotencyKey, IdempotencyKey, IdempotentWrites } from '../http/idempotency-key';

/** Fines, payments, waivers, lost and claimed-returned loans (loans.fines.*.v1, loans.mark-lost.v1, loans.claim-returned.v1). */
@ApiTags('fines')
@ApiKeyAuth()
@Controller('api')
export class FinesController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly writes: IdempotentWrites,
  ) {}

  @Get('patrons/:agency/:barcode/fines')
  @ApiOperation({ summary: "A patron's fines (open by default) and everything they owe, in fen" })
  @ApiOkResponse({ description: 'FinesPage' })
  list(@Param() patron: PatronRefDto, @Query() query: ListFinesQueryDto): Promise<FinesPage> {
    return this.rpc.call(LoansFinesList, { ...query, patron });
  }

  @Post('patrons/:agency/:barcode/fines/payments')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Record a payment (fen) towards one fine or the oldest open fines; a repeated transactionId is not charged twice',
  })
  @ApiOkResponse({ description: 'PayFinesResult' })
  @ApiConflictResponse({ description: 'PAYMENT_EXCEEDS_BALANCE', type: ErrorResponseDto })
  @ApiIdempotencyKey()
  pay(
    @Param() patron: PatronRefDto,
    @Body() body: PayFinesBodyDto,
    @IdempotencyKey() key?: string,
  ): Promise<PayFinesResult> {
    return this.writes.write(LoansFinesPay, { ...body, patron }, key);
  }

  @Post('fines/:fineId/waive')
  @HttpCode(HttpStatus.OK)
  @RequireRole('ops')
  @ApiOperation({ summary: 'Waive all or part of a fine (ops), with a reason' })
  @ApiOkResponse({ description: 'WaiveFineResult' })
  @ApiNotFoundResponse({ description: 'FINE_NOT_FOUND', type: ErrorResponseDto })
  waive(@Param() p: FineIdParamDto, @Body() body: WaiveFineBodyDto): Promise<WaiveFineResult> {
    return this.rpc.call(LoansFinesWaive, { ...body, fineId: p.fineId });
  }

  @Post('circulation/mark-lost')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Close a loan as lost: replacement fee (item price or rule default) and overdue fine charged; item status lost',
  })
  @ApiOkResponse({ description: 'MarkLostResult' })
  @ApiNotFoundResponse({ description: 'LOAN_NOT_FOUND', type: ErrorResponseDto })
  markLost(@Body() dto: MarkLostDto): Promise<MarkLostResult> {
    return this.rpc.call(LoansMarkLost, dto);
  }

  @Post('circulation/claim-returned')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Flag a loan as claimed returned: no further fines; item status claimed_returned' })
  @ApiOkResponse({ description: 'ClaimReturnedResult' })
  @ApiNotFoundResponse({ description: 'LOAN_NOT_FOUND', type: ErrorResponseDto })
  claimReturned(@Body() dto: ClaimReturnedDto): Promise<ClaimReturnedResult> {
    return this.rpc.call(LoansClaimReturned, dto);
  }
}
