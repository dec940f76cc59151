import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { GatewayEnvDto } from '../config/gateway-env.dto';

export interface ReaderPrincipal {
  agency: string;
  barcode: string;
}

const ISSUER = 'kunshan-circulation-gateway';
const AUDIENCE = 'o2o-reader';

/** Short-lived reader tokens (JWT, HS256 via jsonwebtoken) after a card + PIN login. */
@Injectable()
export class ReaderTokenService {
  private readonly logger = new Logger(ReaderTokenService.name);
  private readonly secret: string;

  constructor(private readonly env: GatewayEnvDto) {
    if (env.READER_TOKEN_SECRET) {
      this.secret = env.READER_TOKEN_SECRET;
    } else {
      this.secret = randomBytes(32).toString('base64url');
      this.logger.warn(
        'READER_TOKEN_SECRET is not set: reader tokens are signed with a per-process secret (one gateway replica only)',
      );
    }
  }

  issue(reader: ReaderPrincipal): { token: string; expiresAt: string } {
    const ttl = this.env.READER_TOKEN_TTL_SECONDS;
    const token = jwt.sign({ agency: reader.agency, barcode: reader.barcode }, this.secret, {
      algorithm: 'HS256',
      expiresIn: ttl,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: `${reader.agency}/${reader.barcode}`,
    });
    return { token, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
  }

  /** The reader of a valid token, or null (bad signature, expired, wrong audience, another algorithm). */
  verify(token: string): ReaderPrincipal | null {
    try {
      const claims = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }) as jwt.JwtPayload;
      if (typeof claims.agency !== 'string' || typeof claims.barcode !== 'string') return null;
      return { agency: claims.agency, barcode: claims.barcode };
    } catch {
      return null;
    }
  }
}
