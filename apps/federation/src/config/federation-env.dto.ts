import { BaseEnvDto } from '@app/common';

export class FederationEnvDto extends BaseEnvDto {}
