import { Controller } from '@nestjs/common';
import { Handles } from '@app/common';
import { Sip2Metrics, Sip2MetricsView } from '@app/contracts';
import { Sip2MetricsService } from '../metrics/sip2-metrics.service';

@Controller()
export class Sip2MetricsController {
  constructor(private readonly metrics: Sip2MetricsService) {}

  @Handles(Sip2Metrics)
  snapshot(): Sip2MetricsView {
    return this.metrics.snapshot();
  }
}
