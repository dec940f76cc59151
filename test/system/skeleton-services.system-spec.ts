import { INestMicroservice } from '@nestjs/common';
import { healthSubject, PingReply, pingSubject, ServiceHealth } from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { Client } from 'pg';
import { DeliveryEnvDto } from '../../apps/delivery/src/config/delivery-env.dto';
import { DeliveryModule } from '../../apps/delivery/src/delivery.module';
import { FederationEnvDto } from '../../apps/federation/src/config/federation-env.dto';
import { FederationModule } from '../../apps/federation/src/federation.module';

describe('delivery and federation services boot, migrate and answer', () => {
  let env: TestEnvironment;
  let apps: INestMicroservice[] = [];
  let rpc: RpcTestClient;

  beforeAll(async () => {
    env = await createTestEnvironment('skeletons');
    apps = [
      await startTestService({
        name: 'delivery',
        envClass: DeliveryEnvDto,
        env: env.env(),
        register: DeliveryModule.register,
      }),
      await startTestService({
        name: 'federation',
        envClass: FederationEnvDto,
        env: env.env(),
        register: FederationModule.register,
      }),
    ];
    rpc = await createRpcTestClient(env.natsUrl);
  });

  afterAll(async () => {
    await rpc?.close();
    for (const app of apps) await app.close();
    await env?.stop();
  });

  it.each(['delivery', 'federation'] as const)('%s reports health and answers ping', async (name) => {
    const health = await rpc.request<ServiceHealth>(healthSubject(name), {});
    expect(health).toMatchObject({
      service: name,
      status: 'up',
      checks: { database: { status: 'up' }, nats: { status: 'up' } },
    });
    const pong = await rpc.request<PingReply>(pingSubject(name), {});
    expect(pong).toMatchObject({ service: name, pong: true });
  });

  it('each owns its own schema with its migrations recorded', async () => {
    const pg = new Client({ connectionString: env.databaseUrl });
    await pg.connect();
    try {
      for (const schema of ['delivery', 'federation']) {
        const { rows } = await pg.query(`SELECT name FROM "${schema}".migrations`);
        expect(rows.length).toBeGreaterThan(0);
      }
    } finally {
      await pg.end();
    }
  });
});
