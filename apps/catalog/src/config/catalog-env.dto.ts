import { BaseEnvDto } from '@app/common';

export class CatalogEnvDto extends BaseEnvDto {}
