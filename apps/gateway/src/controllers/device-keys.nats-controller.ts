import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import { GatewayUpsertDeviceKey, UpsertDeviceKeyDto } from '@app/contracts';
import { ApiKeyService } from '../services/api-key.service';

/** Provisioning of locker device keys over NATS (demo seed, an operator's provisioning tool). */
@Controller()
export class DeviceKeysNatsController {
  constructor(private readonly keys: ApiKeyService) {}

  @Handles(GatewayUpsertDeviceKey)
  upsert(@Payload() dto: UpsertDeviceKeyDto): Promise<{ id: string }> {
    return this.keys.upsertDevice(dto);
  }
}
