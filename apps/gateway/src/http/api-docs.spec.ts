import * as swagger from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import * as contracts from '@app/contracts/common/api-doc';
import { applyContractApiDocs } from './api-docs';

/*
 * The same DTO shapes declared twice: with @nestjs/swagger's decorators and mapped types directly, and
 * with libs/contracts' recording ones replayed by applyContractApiDocs. Both must end up with the same
 * swagger metadata, class names and validation metadata.
 */
type Kit = Pick<typeof swagger, 'ApiProperty' | 'ApiPropertyOptional' | 'OmitType' | 'PickType' | 'PartialType'>;

class Nested {
  @swagger.ApiProperty({ example: 'n' })
  @IsString()
  n: string;
}

const Kinds = ['a', 'b'] as const;

function declare(k: Kit) {
  class Base {
    @k.ApiProperty({ example: 'KSL-MAIN', description: 'a branch' })
    @IsString()
    branch: string;

    @k.ApiPropertyOptional({ enum: Kinds, default: 'a' })
    @IsOptional()
    @IsIn(Kinds)
    kind?: (typeof Kinds)[number];

    @k.ApiProperty({ type: Nested })
    @Type(() => Nested)
    nested: Nested;

    @k.ApiPropertyOptional({ type: [String], example: ['x'] })
    @IsOptional()
    @IsString({ each: true })
    tags?: string[];

    @k.ApiProperty({ minimum: 1, example: 3 })
    @IsInt()
    @Min(1)
    count: number;

    // documented without validators (PartialType makes it @IsOptional too)
    @k.ApiPropertyOptional({ description: 'free text' })
    note?: string;
  }
  class Derived extends Base {
    @k.ApiPropertyOptional({ example: 'extra' })
    @IsOptional()
    @IsString()
    extra?: string;
  }
  class Omitted extends k.OmitType(Derived, ['branch', 'extra'] as const) {
    @k.ApiProperty({ example: 9 })
    @IsInt()
    own: number;
  }
  class Picked extends k.PickType(Derived, ['count', 'branch', 'extra'] as const) {}
  class Partial extends k.PartialType(Omitted) {}
  return { Base, Derived, Omitted, Picked, Partial };
}

const direct = declare(swagger);
const recorded = declare(contracts as unknown as Kit);
applyContractApiDocs();

function swaggerMetadata(cls: new () => unknown) {
  const proto = cls.prototype as object;
  const keys = (Reflect.getMetadata(swagger.DECORATORS.API_MODEL_PROPERTIES_ARRAY, proto) as string[]) ?? [];
  return {
    keys,
    props: keys.map((k) => Reflect.getMetadata(swagger.DECORATORS.API_MODEL_PROPERTIES, proto, k.slice(1))),
  };
}

function validation(cls: new () => unknown) {
  return getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((m) => `${m.propertyName} ${m.type} ${m.name ?? ''} ${JSON.stringify(m.constraints)} ${m.each}`)
    .sort();
}

describe('contract API docs replayed onto the DTOs', () => {
  it.each(Object.keys(direct) as (keyof typeof direct)[])(
    '%s gets the same swagger metadata as with @nestjs/swagger',
    (name) => {
      expect(swaggerMetadata(recorded[name])).toEqual(swaggerMetadata(direct[name]));
      expect(swaggerMetadata(recorded[name]).keys.length).toBeGreaterThan(0);
    },
  );

  it.each(Object.keys(direct) as (keyof typeof direct)[])(
    '%s gets the same validation metadata and class names',
    (name) => {
      expect(validation(recorded[name])).toEqual(validation(direct[name]));
      expect(Object.getPrototypeOf(recorded[name]).name).toBe(Object.getPrototypeOf(direct[name]).name);
    },
  );

  it('records properties in declaration order and knows what each class documents', () => {
    expect(contracts.documentedProperties(recorded.Omitted)).toEqual([
      'kind',
      'nested',
      'tags',
      'count',
      'note',
      'own',
    ]);
    expect(contracts.documentedProperties(recorded.Picked)).toEqual(['branch', 'count', 'extra']);
  });

  it('applies each record once', () => {
    const before = swaggerMetadata(recorded.Partial);
    applyContractApiDocs();
    expect(swaggerMetadata(recorded.Partial)).toEqual(before);
  });
});
