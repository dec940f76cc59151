import { BaseEnvDto } from '@app/common';

export class DeliveryEnvDto extends BaseEnvDto {}
