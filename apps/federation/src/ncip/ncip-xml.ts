import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** NCIP 2.0 namespace and the version URI we write (NCIPMessage/@ncip:version is required by the XSD). */
export const NCIP_NS = 'http://www.niso.org/2008/ncip';
export const NCIP_VERSION_URI = 'http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd';
export const NCIP_VERSION_MESSAGE_URI = 'http://www.niso.org/ncip/v1_0/imp1/xsd/ncip_version.xsd';

/** A parsed element with the namespace prefix dropped: what the reader works on. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

export class XmlRefused extends Error {
  constructor(
    readonly reason: 'too_large' | 'doctype_subset' | 'not_well_formed' | 'too_deep' | 'empty',
    message: string,
  ) {
    super(message);
  }
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 256 * 1024, maxDepth: 32 };

// The parser never expands entities (processEntities: false) and never reads a DTD: a DOCTYPE with an
// internal subset (where ENTITY declarations live: XXE, billion laughs) is refused before parsing.
// A bare DOCTYPE naming the old NCIP DTD (Koha/AutoGraphics send one) is accepted and ignored.
const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 64,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined XML entities and character references; anything else stays as written. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (m, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(entry: Ordered, depth: number, limits: XmlLimits): XmlNode | null {
  const name = Object.keys(entry).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?') || name === '#comment') return null;
  if (depth > limits.maxDepth) throw new XmlRefused('too_deep', `elements nested deeper than ${limits.maxDepth}`);
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry[':@'] ?? {})) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k.includes(':') ? k.slice(k.indexOf(':') + 1) : k] = decodeXmlText(String(v));
  }
  const node: XmlNode = { name, attrs, text: '', children: [] };
  for (const c of (entry[name] as Ordered[]) ?? []) {
    if ('#text' in c) node.text += decodeXmlText(String(c['#text']));
    else {
      const child = toNode(c, depth + 1, limits);
      if (child) node.children.push(child);
    }
  }
  node.text = node.text.trim();
  return node;
}

/** Parse an NCIP body safely into its root element (BOM, whitespace, any prefix or none). */
export function parseXml(raw: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlNode {
  if (Buffer.byteLength(raw, 'utf8') > limits.maxBytes)
    throw new XmlRefused('too_large', `message larger than ${limits.maxBytes} bytes`);
  const xml = raw.replace(/^\uFEFF/, '').trim();
  if (!xml) throw new XmlRefused('empty', 'empty message');
  if (/<!ENTITY/i.test(xml) || /<!DOCTYPE[^>]*\[/i.test(xml)) {
    throw new XmlRefused('doctype_subset', 'DOCTYPE internal subsets and ENTITY declarations are not accepted');
  }
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true)
    throw new XmlRefused('not_well_formed', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let parsed: Ordered[];
  try {
    parsed = parser.parse(xml) as Ordered[];
  } catch (e) {
    const msg = (e as Error).message;
    if (/nest/i.test(msg)) throw new XmlRefused('too_deep', 'elements nested too deep');
    throw new XmlRefused('not_well_formed', `not well-formed XML: ${msg}`);
  }
  const roots = parsed.map((e) => toNode(e, 1, limits)).filter((n): n is XmlNode => n !== null);
  if (roots.length !== 1) throw new XmlRefused('not_well_formed', 'expected exactly one root element');
  return roots[0];
}

// ---- reading helpers: by local name, case-insensitively (partners vary), in any order ----
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => same(c.name, name));
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node?.children.filter((c) => same(c.name, name)) ?? [];
}

/** Text at a path of child names (`['ItemId','ItemIdentifierValue']`); undefined when absent or empty. */
export function textAt(node: XmlNode | undefined, ...path: string[]): string | undefined {
  let n = node;
  for (const p of path) n = child(n, p);
  return n?.text ? n.text : undefined;
}

// ---- writing: a tiny element model fed to fast-xml-parser's XMLBuilder (escaping is the builder's) ----
export interface OutEl {
  name: string;
  text?: string;
  attrs?: Record<string, string>;
  children?: (OutEl | null | undefined | false)[];
}

export const el = (
  name: string,
  content?: string | (OutEl | null | undefined | false)[],
  attrs?: Record<string, string>,
): OutEl => (typeof content === 'string' ? { name, text: content, attrs } : { name, children: content ?? [], attrs });

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
  processEntities: true,
});

/** Characters XML 1.0 cannot carry at all (NUL, most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * What we write always parses: a value echoed from a partner's message (a ProblemValue, an id, a parser's
 * error message quoting the input) may hold such characters; each becomes U+FFFD.
 */
export const xmlSafe = (s: string): string => s.replace(NOT_XML_CHAR, '\uFFFD');

function toOrdered(e: OutEl, prefix: string, attrPrefix: string): Ordered {
  const q = (p: string, n: string) => (p ? `${p}:${n}` : n);
  const content: Ordered[] = [];
  if (e.text !== undefined) content.push({ '#text': xmlSafe(e.text) });
  for (const c of e.children ?? []) if (c) content.push(toOrdered(c, prefix, attrPrefix));
  const out: Ordered = { [q(prefix, e.name)]: content };
  if (e.attrs && Object.keys(e.attrs).length) {
    out[':@'] = Object.fromEntries(
      Object.entries(e.attrs).map(([k, v]) => [`@_${k.startsWith('xmlns') ? k : q(attrPrefix, k)}`, xmlSafe(v)]),
    );
  }
  return out;
}

/**
 * How a document is written: `prefixed` (ncip:Element, the usual form), `default` (the NCIP namespace
 * as default namespace, some partners' parsers want that; attributes still carry the ncip: prefix, since
 * the XSD has attributeFormDefault="qualified"), `none` (the NCIPVersionMessage, which has no namespace).
 */
export type NamespaceStyle = 'prefixed' | 'default' | 'none';

export function buildXml(root: OutEl, style: NamespaceStyle = 'prefixed'): string {
  const decl: Record<string, string> =
    style === 'prefixed'
      ? { 'xmlns:ncip': NCIP_NS }
      : style === 'default'
        ? { xmlns: NCIP_NS, 'xmlns:ncip': NCIP_NS }
        : {};
  const withNs: OutEl = { ...root, attrs: { ...decl, ...(root.attrs ?? {}) } };
  const ordered = toOrdered(withNs, style === 'prefixed' ? 'ncip' : '', style === 'none' ? '' : 'ncip');
  const body = builder.build([ordered]) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.trim()}\n`;
}
