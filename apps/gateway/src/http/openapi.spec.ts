import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@app/common';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import { GatewayModule } from '../gateway.module';
import { buildOpenApiDocument } from './openapi';

/*
 * The document the gateway serves at /api/openapi.json, built without a database or NATS (a preview
 * app: modules and controllers scanned, nothing instantiated). The contract DTOs are documented through
 * libs/contracts' recording decorators, replayed by ./api-docs: these checks pin what the document
 * says about them (names, order, required, examples, mapped types).
 */
describe('OpenAPI document', () => {
  let doc: OpenAPIObject;
  const schema = (name: string) => doc.components!.schemas![name] as Record<string, any>;

  beforeAll(async () => {
    const env = loadConfig(GatewayEnvDto, {
      DATABASE_URL: 'postgres://u@127.0.0.1:1/none',
      NATS_URL: 'nats://127.0.0.1:1',
    });
    const app = await NestFactory.create(GatewayModule.register(env), { preview: true, logger: false });
    doc = buildOpenApiDocument(app);
    await app.close();
  });

  it('describes every DTO the endpoints take', () => {
    expect(Object.keys(doc.components!.schemas!).sort()).toEqual(
      [
        'ApiKeyViewDto',
        'BackfillDto',
        'CancelHoldBodyDto',
        'CheckinDto',
        'CheckoutDto',
        'ClaimReturnedDto',
        'CreateApiKeyDto',
        'CreateClosureDto',
        'CreateItemDto',
        'CreatePatronDto',
        'CreateRecordDto',
        'CreatedApiKeyDto',
        'ErrorResponseDto',
        'ItemRefDto',
        'LoanDryRunDto',
        'MarkLostDto',
        'OfflineTransactionDto',
        'OfflineUploadDto',
        'OpeningHoursDto',
        'PatronRefDto',
        'PayFinesBodyDto',
        'PlaceHoldDto',
        'ReceiveTransitDto',
        'RenewDto',
        'ResolveCirculationExceptionBodyDto',
        'SetPatronBlockBodyDto',
        'SetSip2TerminalEnabledBodyDto',
        'UpdateItemBodyDto',
        'UpdatePatronBodyDto',
        'UpdateRecordBodyDto',
        'UpsertAgencyBodyDto',
        'UpsertBranchBodyDto',
        'UpsertCalendarBodyDto',
        'UpsertFloatingRuleDto',
        'UpsertLoanRuleBodyDto',
        'UpsertSip2TerminalBodyDto',
        'WaiveFineBodyDto',
        'WeeklyHoursDto',
        // O2O: reader, staff and device endpoints
        'CompartmentSpecDto',
        'DeviceDepositBodyDto',
        'DeviceDoorClosedBodyDto',
        'DevicePickupBodyDto',
        'DeviceReturnBodyDto',
        'OrderStepBodyDto',
        'ReaderLoginDto',
        'ReaderOrderBodyDto',
        'RequestIdBodyDto',
        'RunDeliveryJobsDto',
        'StaffPlaceOrderDto',
        'UpsertDeviceKeyDto',
        'UpsertLockerDto',
        // federation
        'ActOnIllRequestBodyDto',
        'CreateIllRequestDto',
        'IssuePartnerKeyDto',
        'PartnerAgreementDto',
        'PartnerItemReturnDto',
        'PartnerNcipSettingsDto',
        'ResolveFailedExchangeBodyDto',
        'UpsertPartnerDto',
        'UpsertUnitDto',
      ].sort(),
    );
  });

  it('documents fields with their order, required list, examples, enums and nested references', () => {
    const checkout = schema('CheckoutDto');
    expect(Object.keys(checkout.properties)).toEqual([
      'patron',
      'item',
      'branch',
      'returnBranch',
      'pin',
      'pinOrigin',
      'channel',
      'noBlock',
      'transactionAt',
      'dueDate',
      'idempotencyKey',
      'deadline',
    ]);
    expect(checkout.required).toEqual(['patron', 'item', 'branch']);
    expect(checkout.properties.patron).toEqual({ $ref: '#/components/schemas/PatronRefDto' });
    expect(checkout.properties.branch).toEqual({
      type: 'string',
      example: 'KSL-MAIN',
      description: 'branch where the checkout happens',
    });
    expect(checkout.properties.channel).toEqual({
      type: 'string',
      enum: ['desk', 'sip2', 'o2o', 'ncip', 'api', 'locker', 'delivery'],
      default: 'api',
    });
    expect(schema('UpsertCalendarBodyDto')).toEqual({
      type: 'object',
      properties: { weeklyHours: { $ref: '#/components/schemas/WeeklyHoursDto' } },
      required: ['weeklyHours'],
    });
    expect(schema('ErrorResponseDto').properties.details).toMatchObject({ type: 'object', additionalProperties: true });
  });

  it('documents OmitType bodies without the omitted fields', () => {
    const agency = schema('UpsertAgencyBodyDto');
    expect(Object.keys(agency.properties)).toEqual(['name', 'kind', 'timezone']);
    expect(agency.required).toEqual(['name', 'kind']);
    expect(agency.properties.name.example).toBe('昆山市图书馆');

    const rule = schema('UpsertLoanRuleBodyDto');
    expect(rule.properties).not.toHaveProperty('id');
    expect(rule.required).toEqual([
      'scope',
      'patronType',
      'itemType',
      'loanDays',
      'maxRenewals',
      'renewalDays',
      'maxItems',
    ]);
    expect(rule.properties.loanDays).toEqual({ type: 'number', example: 30, description: 'loan period in days' });
    expect(rule.properties.patronType.enum).toEqual([
      '*',
      'adult',
      'child',
      'senior',
      'student',
      'visually_impaired',
      'staff',
      'partner_library',
    ]);
    expect(rule.properties.maxItemsPerBranch).toMatchObject({ nullable: true, example: 10 });

    expect(schema('UpdatePatronBodyDto').properties).not.toHaveProperty('agency');
    expect(schema('UpdatePatronBodyDto').properties).not.toHaveProperty('barcode');
  });

  it('documents PickType plus own fields in declaration order', () => {
    const dryRun = schema('LoanDryRunDto');
    expect(Object.keys(dryRun.properties)).toEqual(['patron', 'item', 'branch', 'returnBranch', 'at']);
    expect(dryRun.required).toEqual(['patron', 'item', 'branch']);
    expect(dryRun.properties.at.example).toBe('2026-12-01T02:00:00Z');
  });

  it('documents PartialType bodies with every field optional and the examples kept', () => {
    const update = schema('UpdateRecordBodyDto');
    expect(Object.keys(update.properties)).toEqual([
      'title',
      'author',
      'isbn',
      'publisher',
      'year',
      'clcCallNumber',
      'suppressed',
    ]);
    expect(update.required).toBeUndefined();
    expect(update.properties.title).toEqual({ type: 'string', example: '日知录' });
    expect(schema('CreateRecordDto').required).toEqual(['title']);
  });

  it('documents query DTOs (inherited paging included) as parameters', () => {
    const params = doc.paths['/api/patrons/{agency}/{barcode}/loans'].get!.parameters as Record<string, any>[];
    expect(params.map((p) => [p.name, p.in, p.required])).toEqual([
      ['agency', 'path', true],
      ['barcode', 'path', true],
      ['limit', 'query', false],
      ['offset', 'query', false],
      ['status', 'query', false],
    ]);
    expect(params[2].schema).toEqual({ minimum: 1, maximum: 500, type: 'number' });
    expect(params[4].schema).toEqual({ default: 'open', type: 'string', enum: ['open', 'closed', 'all'] });
  });

  it('is the same document when built twice (the contract records are applied once)', async () => {
    const env = loadConfig(GatewayEnvDto, {
      DATABASE_URL: 'postgres://u@127.0.0.1:1/none',
      NATS_URL: 'nats://127.0.0.1:1',
    });
    const app = await NestFactory.create(GatewayModule.register(env), { preview: true, logger: false });
    expect(buildOpenApiDocument(app)).toEqual(doc);
    await app.close();
  });
});
