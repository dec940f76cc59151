import { DynamicModule, Global, Module } from '@nestjs/common';
import { loadConfig } from './load-config';

/** Registers the validated env object under its own class, so services inject `AppEnv` directly. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot<T extends object>(cls: new () => T, value?: T): DynamicModule {
    const config = value ?? loadConfig(cls);
    return { module: AppConfigModule, providers: [{ provide: cls, useValue: config }], exports: [cls] };
  }
}
