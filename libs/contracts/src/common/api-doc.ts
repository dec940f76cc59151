import type { Type } from '@nestjs/common';
import {
  OmitType as omitClass,
  PickType as pickClass,
  applyIsOptionalDecorator,
  inheritPropertyInitializers,
  inheritTransformationMetadata,
  inheritValidationMetadata,
} from '@nestjs/mapped-types';
// types only: erased at compile time, so no service but the gateway ever loads @nestjs/swagger
import type { ApiPropertyOptions } from '@nestjs/swagger';

/*
 * OpenAPI documentation of the contract DTOs without @nestjs/swagger.
 *
 * Every service imports these DTOs, but only the gateway serves an OpenAPI document, and
 * `require('@nestjs/swagger')` (with lodash, js-yaml, path-to-regexp …) costs each process ~10 MiB of RSS.
 * So the DTOs use the decorators and mapped-type helpers below, which have the same signatures as
 * @nestjs/swagger's: they only *record* what was declared (in declaration order) and, for the mapped
 * types, copy the class-validator/class-transformer metadata with @nestjs/mapped-types as @nestjs/swagger
 * does. The gateway replays the records with the real @nestjs/swagger decorators before it builds the
 * document (`apps/gateway/src/http/api-docs.ts`), which gives the same document as decorating directly.
 *
 * Do not import anything from '@nestjs/swagger' at runtime in libs/contracts (`import type` only);
 * `test/system/service-module-graph.system-spec.ts` fails when a non-gateway service loads it.
 */

export type { ApiPropertyOptions };

/** `@ApiProperty`/`@ApiPropertyOptional` on `key` of `target` (a class prototype). */
export interface ApiPropertyRecord {
  kind: 'property';
  target: object;
  key: string;
  options: ApiPropertyOptions;
  optional: boolean;
}

/** `target` was made by `OmitType`/`PickType`/`PartialType` of `source`. */
export interface MappedTypeRecord {
  kind: 'omit' | 'pick' | 'partial';
  target: Type<unknown>;
  source: Type<unknown>;
  keys: readonly string[];
}

export type ApiDocRecord = ApiPropertyRecord | MappedTypeRecord;

const records: ApiDocRecord[] = [];

/** Everything declared so far, in declaration order (parents before the classes derived from them). */
export function apiDocRecords(): readonly ApiDocRecord[] {
  return records;
}

// the documented property names of a class (own and inherited, in order), like swagger's model properties
const DOCUMENTED = Symbol('contracts:api-documented-properties');

/** The documented property names of `cls`, inherited ones included, in declaration order. */
export function documentedProperties(cls: Type<unknown>): string[] {
  return [...((Reflect.getMetadata(DOCUMENTED, cls.prototype) as string[] | undefined) ?? [])];
}

function addDocumented(target: object, key: string): void {
  const keys = (Reflect.getMetadata(DOCUMENTED, target) as string[] | undefined) ?? [];
  if (!keys.includes(key)) Reflect.defineMetadata(DOCUMENTED, [...keys, key], target);
}

function recordProperty(options: ApiPropertyOptions, optional: boolean): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    if (typeof key !== 'string') throw new TypeError('ApiProperty: symbol keys are not documented');
    records.push({ kind: 'property', target, key, options, optional });
    addDocumented(target, key);
  };
}

/** Same as @nestjs/swagger's `ApiProperty`, recorded for the gateway. */
export function ApiProperty(options: ApiPropertyOptions = {}): PropertyDecorator {
  return recordProperty(options, false);
}

/** Same as @nestjs/swagger's `ApiPropertyOptional` (`required: false`), recorded for the gateway. */
export function ApiPropertyOptional(options: ApiPropertyOptions = {}): PropertyDecorator {
  return recordProperty(options, true);
}

// the class names @nestjs/swagger gives its mapped types (`OmitUpsertAgencyDtoIsil`), kept identical
function nameMapped(target: Type<unknown>, prefix: string, source: Type<unknown>, keys: readonly string[] = []): void {
  const segment = (k: string) => {
    const s = String(k).replace(/[^A-Za-z0-9_$]/g, '_');
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  Object.defineProperty(target, 'name', {
    value: `${prefix}${source.name || 'Anonymous'}${keys.map(segment).join('')}`,
  });
}

function recordMapped(
  kind: MappedTypeRecord['kind'],
  target: Type<unknown>,
  source: Type<unknown>,
  keys: readonly string[],
  documented: string[],
): void {
  records.push({ kind, target, source, keys });
  for (const key of documented) addDocumented(target.prototype as object, key);
}

/** Same as @nestjs/swagger's `OmitType`: validation, transformation and documentation without `keys`. */
export function OmitType<T, K extends keyof T>(
  classRef: Type<T>,
  keys: readonly K[],
): Type<Omit<T, (typeof keys)[number]>> {
  const target = omitClass(classRef, keys) as unknown as Type<Omit<T, K>>;
  const names = keys.map(String);
  nameMapped(target, 'Omit', classRef, names);
  recordMapped(
    'omit',
    target,
    classRef,
    names,
    documentedProperties(classRef).filter((k) => !names.includes(k)),
  );
  return target;
}

/** Same as @nestjs/swagger's `PickType`: validation, transformation and documentation of `keys` only. */
export function PickType<T, K extends keyof T>(
  classRef: Type<T>,
  keys: readonly K[],
): Type<Pick<T, (typeof keys)[number]>> {
  const target = pickClass(classRef, keys) as unknown as Type<Pick<T, K>>;
  const names = keys.map(String);
  nameMapped(target, 'Pick', classRef, names);
  recordMapped(
    'pick',
    target,
    classRef,
    names,
    documentedProperties(classRef).filter((k) => names.includes(k)),
  );
  return target;
}

/** Same as @nestjs/swagger's `PartialType`: every field optional (`@IsOptional`, `required: false`). */
export function PartialType<T>(classRef: Type<T>): Type<Partial<T>> {
  // built like @nestjs/swagger's (not @nestjs/mapped-types' PartialType, which adds one @IsOptional per
  // validator): one @IsOptional per field, documented fields without validators included
  const documented = documentedProperties(classRef);
  class PartialTypeClass {
    constructor() {
      inheritPropertyInitializers(this, classRef);
    }
  }
  nameMapped(PartialTypeClass, 'Partial', classRef);
  const validated = inheritValidationMetadata(classRef, PartialTypeClass) ?? [];
  for (const key of new Set(validated.filter((k) => !documented.includes(k))))
    applyIsOptionalDecorator(PartialTypeClass, key);
  inheritTransformationMetadata(classRef, PartialTypeClass);
  for (const key of documented) applyIsOptionalDecorator(PartialTypeClass, key);
  recordMapped('partial', PartialTypeClass, classRef, [], documented);
  return PartialTypeClass as Type<Partial<T>>;
}
