import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { Sip2EnvDto } from './config/sip2-env.dto';
import { Sip2Module } from './sip2.module';

const env = loadConfigOrExit(Sip2EnvDto, 'sip2');
void runNatsMicroservice(Sip2Module.register(env), { name: 'sip2', env });
