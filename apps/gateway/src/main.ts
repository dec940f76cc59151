import 'reflect-metadata';
import { loadConfigOrExit } from '@app/common';
import { GatewayEnvDto } from './config/gateway-env.dto';
import { createGatewayApp } from './gateway-app.factory';

const env = loadConfigOrExit(GatewayEnvDto, 'gateway');
void createGatewayApp(env).catch((err: Error) => {
  process.stderr.write(`[gateway] failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
