import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty } from './api-doc';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';

/**
 * A required nested reference (`patron: PatronRefDto`, `item: ItemRefDto`): documented in OpenAPI,
 * turned into the class and validated field by field (so errors name `patron.agency`).
 */
export function NestedRef(cls: ClassType<unknown>, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: cls, ...(description ? { description } : {}) }),
    ValidateNested(),
    Type(() => cls),
  );
}
