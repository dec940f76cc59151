import { ApiProperty, ApiPropertyOptional, DECORATORS } from '@nestjs/swagger';
import { ApiDocRecord, apiDocRecords } from '@app/contracts';

/*
 * The contract DTOs are documented with libs/contracts' recording decorators, so that the other
 * services never load @nestjs/swagger (see libs/contracts/src/common/api-doc.ts). Before the gateway
 * builds its OpenAPI document, the records are applied here with the real decorators, in declaration
 * order, exactly as @nestjs/swagger's own ApiProperty/OmitType/PickType/PartialType would have done.
 */

let applied = 0;

/** Applies every record not applied yet (idempotent; call before `SwaggerModule.createDocument`). */
export function applyContractApiDocs(records: readonly ApiDocRecord[] = apiDocRecords()): void {
  for (; applied < records.length; applied++) applyRecord(records[applied]);
}

function modelProperties(prototype: object): string[] {
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) as unknown[] | undefined) ?? [];
  return keys
    .filter((k): k is string => typeof k === 'string' && k.startsWith(':'))
    .filter((k) => typeof (prototype as Record<string, unknown>)[k] !== 'function')
    .map((k) => k.slice(1));
}

function applyRecord(record: ApiDocRecord): void {
  if (record.kind === 'property') {
    (record.optional ? ApiPropertyOptional : ApiProperty)(record.options)(record.target, record.key);
    return;
  }
  // what @nestjs/swagger's OmitType/PickType/PartialType do to the documentation (without the CLI plugin)
  const { kind, source, target, keys } = record;
  const fields = modelProperties(source.prototype as object).filter((k) =>
    kind === 'omit' ? !keys.includes(k) : kind === 'pick' ? keys.includes(k) : true,
  );
  for (const key of fields) {
    const metadata = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, source.prototype as object, key) as
      Record<string, unknown> | undefined;
    ApiProperty(kind === 'partial' ? { ...(metadata ?? {}), required: false } : metadata)(
      target.prototype as object,
      key,
    );
  }
}
