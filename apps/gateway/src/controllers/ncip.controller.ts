import { Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import { FederationNcipExchange, NcipExchangeReply } from '@app/contracts';
import { Public } from '../auth/auth.decorators';
import type { GatewayResponse } from '../http/gateway-request';
import type { NcipRequest } from '../http/ncip-body.middleware';

/** Answer when the federation service cannot be reached (a constant, schema-valid document; see ncip.controller.spec.ts). */
export const NCIP_UNAVAILABLE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<ncip:NCIPMessage xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">
  <ncip:Problem>
    <ncip:ProblemType ncip:Scheme="http://www.niso.org/ncip/v1_0/schemes/processingerrortype/generalprocessingerror.scm">Temporary Processing Failure</ncip:ProblemType>
    <ncip:ProblemDetail>the NCIP service is not available; try again later</ncip:ProblemDetail>
  </ncip:Problem>
</ncip:NCIPMessage>
`;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * NCIP 2.02 for partner libraries (docs/interlibrary.md). Not behind staff API keys: partners send their
 * partner key (X-NCIP-Key header, Authorization: Bearer, or /ncip/<key>), which the federation service checks
 * against the message's FromAgencyId. The raw XML goes over NATS; the answer is always NCIP XML.
 */
@ApiTags('ncip')
@Public()
@Controller('ncip')
export class NcipController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'NCIP 2.02 endpoint for partner libraries (raw XML in, NCIP XML out)' })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiProduces('application/xml')
  @ApiHeader({
    name: 'X-NCIP-Key',
    required: false,
    description: 'the partner key (or Authorization: Bearer <key>, or POST /ncip/<key>)',
  })
  @ApiOkResponse({
    description:
      'an NCIPMessage: the service response, or a top-level Problem (unparsable, unknown service, authentication failed)',
  })
  post(@Req() req: NcipRequest, @Res() res: GatewayResponse, @Headers('x-ncip-key') headerKey?: string): Promise<void> {
    return this.exchange(req, res, headerKey ?? BEARER.exec(req.headers.authorization ?? '')?.[1]);
  }

  @Post(':key')
  @HttpCode(200)
  @ApiExcludeEndpoint() // the same endpoint, for partners that can only configure a URL (the key is a secret: not in examples)
  postWithKey(@Req() req: NcipRequest, @Res() res: GatewayResponse, @Param('key') key: string): Promise<void> {
    return this.exchange(req, res, key);
  }

  private async exchange(req: NcipRequest, res: GatewayResponse, key: string | undefined): Promise<void> {
    const xml = typeof req.body === 'string' ? req.body : '';
    let reply: NcipExchangeReply;
    try {
      reply = await this.rpc.call(FederationNcipExchange, {
        xml,
        key: key?.slice(0, 200),
        refused: req.ncipRefused,
      });
    } catch {
      res.status(503).setHeader('Content-Type', 'application/xml; charset=utf-8');
      res.end(NCIP_UNAVAILABLE_XML);
      return;
    }
    res.status(reply.status).setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.end(reply.xml);
  }
}
