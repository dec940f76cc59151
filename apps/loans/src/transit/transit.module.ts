import { Module } from '@nestjs/common';
import { FloatingPolicyService } from './floating-policy.service';
import { FloatingRuleRepository } from './floating-rule.repository';
import { TransitRepository } from './transit.repository';
import { TransitsController } from './transits.controller';

/**
 * Transit records and floating rules. Deciding where a scanned copy goes is holds' ItemRoutingService
 * (it fills holds first), which writes transits through this module; receiving a transit is a checkin
 * (circulation's TransitReceiveController).
 */
@Module({
  controllers: [TransitsController],
  providers: [TransitRepository, FloatingRuleRepository, FloatingPolicyService],
  exports: [TransitRepository, FloatingPolicyService],
})
export class TransitModule {}
