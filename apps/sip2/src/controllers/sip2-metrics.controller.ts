import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Sip2MetricsView, Sip2Subjects } from '@app/contracts';
import { Sip2MetricsService } from '../metrics/sip2-metrics.service';

@Controller()
export class Sip2MetricsController {
  constructor(private readonly metrics: Sip2MetricsService) {}

  @MessagePattern(Sip2Subjects.metrics)
  snapshot(): Sip2MetricsView {
    return this.metrics.snapshot();
  }
}
