import { Injectable } from '@nestjs/common';
import { ExactlyOnceWriter, NatsRpcClient } from '@app/common';
import { Sip2WriterService } from './sip2-writer.service';
import {
  FinesPage,
  ListFinesDto,
  LoansFinesList,
  LoansFinesPay,
  PayFinesDto,
  PayFinesResult,
  PaymentType,
} from '@app/contracts';
import type { Ref } from './circulation-backend';

export interface PayRequest {
  patron: Ref;
  amountFen: number;
  paymentType: PaymentType;
  /** BK (or one we made up): the loans service records it and answers a repeat without charging twice */
  transactionId: string;
  /** CG resolved to a fine id: pay this fine only; else the open fines, oldest first */
  fineId?: string;
  branch: string;
  actor: string;
  idempotencyKey?: string;
}

/**
 * Fines and payments (the loans service's `loans.fines.*`). 37 Fee Paid, 64 AV/BV and the fine count
 * go through this one port; 24/64 BV come from the loan summary. Errors are thrown as RemoteError with
 * the loans service's stable code (PAYMENT_EXCEEDS_BALANCE, FINE_NOT_FOUND …).
 */
export interface FeesPort {
  /** the patron's open fines, newest first, with `total` (count) and `outstandingFen` */
  openFines(patron: Ref, limit: number): Promise<FinesPage>;
  pay(req: PayRequest): Promise<PayFinesResult>;
}

/** One NATS request per call, each with the client's timeout. */
@Injectable()
export class NatsFeesPort implements FeesPort {
  private readonly writer: ExactlyOnceWriter;

  constructor(
    private readonly rpc: NatsRpcClient,
    writers: Sip2WriterService,
  ) {
    this.writer = writers.writer;
  }

  openFines(patron: Ref, limit: number): Promise<FinesPage> {
    const dto: ListFinesDto = { patron, status: 'open', limit: Math.max(1, Math.min(500, Math.trunc(limit))) };
    return this.rpc.call(LoansFinesList, dto);
  }

  pay(req: PayRequest): Promise<PayFinesResult> {
    const dto: PayFinesDto = {
      patron: req.patron,
      amountFen: req.amountFen,
      paymentType: req.paymentType,
      transactionId: req.transactionId,
      ...(req.fineId ? { fineId: req.fineId } : {}),
      ...(req.branch ? { branch: req.branch } : {}),
      channel: 'sip2',
      actor: req.actor,
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
    };
    return this.writer.write(LoansFinesPay, dto);
  }
}

export const FEES_PORT = Symbol('FEES_PORT');
