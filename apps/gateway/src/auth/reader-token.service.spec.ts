import * as jwt from 'jsonwebtoken';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import { ReaderTokenService } from './reader-token.service';

describe('ReaderTokenService', () => {
  const secret = 'x'.repeat(40);
  const env = { READER_TOKEN_SECRET: secret, READER_TOKEN_TTL_SECONDS: 900 } as GatewayEnvDto;
  const svc = new ReaderTokenService(env);

  it('issues a token that verifies to its reader', () => {
    const { token, expiresAt } = svc.issue({ agency: 'CN-320583-1-KSL', barcode: 'P0000001' });
    expect(svc.verify(token)).toEqual({ agency: 'CN-320583-1-KSL', barcode: 'P0000001' });
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 800_000);
  });

  it('refuses expired, tampered, foreign, unsigned and other-audience tokens', () => {
    const claims = { agency: 'CN-320583-1-KSL', barcode: 'P0000001' };
    const opts = { issuer: 'kunshan-circulation-gateway', audience: 'o2o-reader' };
    expect(svc.verify(jwt.sign(claims, secret, { ...opts, expiresIn: -10 }))).toBeNull();
    expect(svc.verify(jwt.sign(claims, 'y'.repeat(40), { ...opts, expiresIn: 60 }))).toBeNull();
    expect(svc.verify(jwt.sign(claims, secret, { ...opts, audience: 'staff', expiresIn: 60 }))).toBeNull();
    expect(svc.verify(jwt.sign(claims, secret, { ...opts, algorithm: 'HS512', expiresIn: 60 }))).toBeNull();
    const [h, p] = svc.issue(claims).token.split('.');
    expect(svc.verify(`${h}.${p}.`)).toBeNull();
    const forged = Buffer.from(JSON.stringify({ ...claims, barcode: 'P0000002' })).toString('base64url');
    expect(svc.verify(`${h}.${forged}.${svc.issue(claims).token.split('.')[2]}`)).toBeNull();
    expect(svc.verify('not a token')).toBeNull();
  });
});
