import { child, children, el, NCIP_VERSION_MESSAGE_URI, NCIP_VERSION_URI, OutEl, textAt, XmlNode } from './ncip-xml';

/** Problem-type schemes (NCIP 2 implementation profile 1). */
const SCHEME_BASE = 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/';
export const ProblemSchemes = {
  general: `${SCHEME_BASE}generalprocessingerror.scm`,
  lookupUser: `${SCHEME_BASE}lookupuserprocessingerror.scm`,
  lookupItem: `${SCHEME_BASE}lookupitemprocessingerror.scm`,
  checkOut: `${SCHEME_BASE}checkoutitemprocessingerror.scm`,
  checkIn: `${SCHEME_BASE}checkinitemprocessingerror.scm`,
  renew: `${SCHEME_BASE}renewitemprocessingerror.scm`,
  request: `${SCHEME_BASE}requestitemprocessingerror.scm`,
  cancelRequest: `${SCHEME_BASE}cancelrequestitemprocessingerror.scm`,
  accept: `${SCHEME_BASE}acceptitemprocessingerror.scm`,
  recall: `${SCHEME_BASE}recallitemprocessingerror.scm`,
  delete: `${SCHEME_BASE}deleteitemprocessingerror.scm`,
} as const;

export interface NcipProblem {
  type: string;
  scheme?: string;
  detail?: string;
  element?: string;
  value?: string;
}

/** A problem a handler raises; the server answers it inside the service's response. */
export class NcipProblemError extends Error {
  constructor(readonly problem: NcipProblem) {
    super(`${problem.type}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

export const problem = (
  type: string,
  scheme: string,
  detail?: string,
  element?: string,
  value?: string,
): NcipProblemError => new NcipProblemError({ type, scheme, detail, element, value });

/** Services we answer; everything else gets Unsupported Service. */
export const SUPPORTED_SERVICES = [
  'LookupVersion',
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'RequestItem',
  'CancelRequestItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RecallItem',
  'DeleteItem',
] as const;
export type NcipService = (typeof SUPPORTED_SERVICES)[number];

export interface AgencyRef {
  agency?: string;
  value: string;
  type?: string;
}

/** A request as the server reads it: every field the handlers use, found by meaning, not by position. */
export interface NcipRequest {
  /** 'version' for the NCIPVersionMessage (LookupVersion of the version-discovery schema) */
  envelope: 'ncip' | 'version';
  service: string;
  node: XmlNode;
  fromAgency?: string;
  toAgency?: string;
  fromSystem?: string;
  toSystem?: string;
}

/** FromAgencyId in its 2.0 form (AgencyId) or the version-discovery form (UniqueAgencyId/Value). */
function agencyIdOf(n: XmlNode | undefined): string | undefined {
  return (
    textAt(n, 'AgencyId') ??
    textAt(n, 'UniqueAgencyId', 'Value') ??
    (n && !n.children.length && n.text ? n.text : undefined)
  );
}

export function readRequest(root: XmlNode): NcipRequest {
  const envelope =
    root.name.toLowerCase() === 'ncipversionmessage'
      ? 'version'
      : root.name.toLowerCase() === 'ncipmessage'
        ? 'ncip'
        : null;
  if (!envelope)
    throw problem(
      'Invalid Message Syntax Error',
      ProblemSchemes.general,
      `root element is ${root.name}, expected NCIPMessage`,
      'NCIPMessage',
    );
  const node = root.children[0];
  if (!node)
    throw problem('Needed Data Missing', ProblemSchemes.general, 'NCIPMessage holds no service', 'NCIPMessage');
  const header = child(node, 'InitiationHeader') ?? node;
  return {
    envelope,
    service: node.name,
    node,
    fromAgency: agencyIdOf(child(header, 'FromAgencyId')),
    toAgency: agencyIdOf(child(header, 'ToAgencyId')),
    fromSystem: textAt(header, 'FromSystemId'),
    toSystem: textAt(header, 'ToSystemId'),
  };
}

export function readUserId(node: XmlNode): AgencyRef | undefined {
  const u = child(node, 'UserId');
  const value = textAt(u, 'UserIdentifierValue');
  return value ? { value, agency: textAt(u, 'AgencyId'), type: textAt(u, 'UserIdentifierType') } : undefined;
}

export function readItemId(node: XmlNode): AgencyRef | undefined {
  const i = child(node, 'ItemId');
  const value = textAt(i, 'ItemIdentifierValue');
  return value ? { value, agency: textAt(i, 'AgencyId'), type: textAt(i, 'ItemIdentifierType') } : undefined;
}

export function readRequestId(node: XmlNode): AgencyRef | undefined {
  const r = child(node, 'RequestId');
  const value = textAt(r, 'RequestIdentifierValue');
  return value ? { value, agency: textAt(r, 'AgencyId'), type: textAt(r, 'RequestIdentifierType') } : undefined;
}

/** AuthenticationInput by type: 'barcode' (Barcode Id, User Id …) and 'pin' (PIN, Password). */
export function readAuthentication(node: XmlNode): { barcode?: string; pin?: string } {
  const out: { barcode?: string; pin?: string } = {};
  for (const a of children(node, 'AuthenticationInput')) {
    const type = (textAt(a, 'AuthenticationInputType') ?? '').toLowerCase();
    const data = textAt(a, 'AuthenticationInputData');
    if (!data) continue;
    if (/pin|password/.test(type)) out.pin = data;
    else if (/barcode|user ?id|username/.test(type) || !type) out.barcode = data;
  }
  return out;
}

/** NCIP dateTime → ISO instant; undefined when absent, a problem when unreadable. */
export function readDate(node: XmlNode, name: string): string | undefined {
  const t = textAt(node, name);
  if (!t) return undefined;
  const d = new Date(t);
  if (Number.isNaN(d.getTime()))
    throw problem('Invalid Date', ProblemSchemes.general, `${name} is not a date`, name, t);
  return d.toISOString();
}

// ---- writing ----
const schemeAttr = (scheme?: string) => (scheme ? { Scheme: scheme } : undefined);

export const agencyIdEl = (value: string) => el('AgencyId', value);

export function userIdEl(u: AgencyRef): OutEl {
  return el('UserId', [
    u.agency ? el('AgencyId', u.agency) : null,
    u.type ? el('UserIdentifierType', u.type) : null,
    el('UserIdentifierValue', u.value),
  ]);
}

export function itemIdEl(i: AgencyRef): OutEl {
  return el('ItemId', [
    i.agency ? el('AgencyId', i.agency) : null,
    i.type ? el('ItemIdentifierType', i.type) : null,
    el('ItemIdentifierValue', i.value),
  ]);
}

export function requestIdEl(r: AgencyRef): OutEl {
  return el('RequestId', [
    r.agency ? el('AgencyId', r.agency) : null,
    r.type ? el('RequestIdentifierType', r.type) : null,
    el('RequestIdentifierValue', r.value),
  ]);
}

export function problemEl(p: NcipProblem): OutEl {
  return el('Problem', [
    el('ProblemType', p.type, schemeAttr(p.scheme ?? ProblemSchemes.general)),
    p.detail ? el('ProblemDetail', p.detail) : null,
    p.element ? el('ProblemElement', p.element) : null,
    p.value ? el('ProblemValue', p.value) : null,
  ]);
}

/** `<NCIPMessage><XResponse><ResponseHeader>` with From/To swapped from the request. */
export function responseMessage(service: string, header: { from: string; to: string }, body: OutEl[]): OutEl {
  return el(
    'NCIPMessage',
    [
      el(`${service}Response`, [
        el('ResponseHeader', [
          el('FromAgencyId', [agencyIdEl(header.from)]),
          el('ToAgencyId', [agencyIdEl(header.to)]),
        ]),
        ...body,
      ]),
    ],
    { version: NCIP_VERSION_URI },
  );
}

/** A top-level Problem: only for unparsable input, an unknown service or failed authentication. */
export function topLevelProblem(problems: NcipProblem[]): OutEl {
  return el('NCIPMessage', problems.map(problemEl), { version: NCIP_VERSION_URI });
}

export function requestMessage(service: string, header: { from: string; to: string }, body: OutEl[]): OutEl {
  return el(
    'NCIPMessage',
    [
      el(service, [
        el('InitiationHeader', [
          el('FromAgencyId', [agencyIdEl(header.from)]),
          el('ToAgencyId', [agencyIdEl(header.to)]),
        ]),
        ...body,
      ]),
    ],
    { version: NCIP_VERSION_URI },
  );
}

/** LookupVersionResponse in the version-discovery schema (no namespace, UniqueAgencyId form). */
export function lookupVersionResponse(header: { from: string; to: string }, services: readonly string[]): OutEl {
  const agency = (name: string, v: string) =>
    el(name, [el('UniqueAgencyId', [el('Scheme', 'http://www.niso.org/ncip/schemes/isil'), el('Value', v)])]);
  return el(
    'NCIPVersionMessage',
    [
      el('LookupVersionResponse', [
        agency('FromAgencyId', header.from),
        agency('ToAgencyId', header.to),
        el('VersionSupported', 'http://www.niso.org/2008/ncip'),
        ...services.map((s) => el('ServiceSupported', s)),
      ]),
    ],
    { version: NCIP_VERSION_MESSAGE_URI },
  );
}

/** The 2.02 form of LookupVersionResponse does not exist in the NCIPMessage choice; 2.0 partners use the version message. */
export const VERSION_SUPPORTED = ['http://www.niso.org/2008/ncip'] as const;
