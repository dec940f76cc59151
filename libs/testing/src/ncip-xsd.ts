import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** The NCIP reference copied into the repository (schema and partner sample messages; see SOURCES.txt there). */
export const NCIP_FIXTURES = path.resolve(__dirname, '../../../test/fixtures/ncip');

const schemas = new Map<string, string>();
const schema = (name: string) => {
  if (!schemas.has(name)) schemas.set(name, fs.readFileSync(path.join(NCIP_FIXTURES, 'schema', name), 'utf8'));
  return schemas.get(name)!;
};

/**
 * Validate an NCIP document with xmllint (WebAssembly build of libxml2, no network): ncip_v2_02.xsd,
 * or ncip_version.xsd for the NCIPVersionMessage. Resolves to the error messages ([] when valid).
 */
export async function ncipSchemaErrors(xml: string): Promise<string[]> {
  const xsd = /<NCIPVersionMessage\b/.test(xml) ? 'ncip_version.xsd' : 'ncip_v2_02.xsd';
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [{ fileName: xsd, contents: schema(xsd) }],
  });
  return result.valid ? [] : result.errors.map((e) => e.message ?? String(e.rawMessage));
}

/** Every sample message (strict and lenient) as [relative path, contents]. */
export function ncipSamples(): [string, string][] {
  const dir = path.join(NCIP_FIXTURES, 'samples');
  const files = [
    ...fs.readdirSync(dir).map((f) => f),
    ...fs.readdirSync(path.join(dir, 'lenient')).map((f) => `lenient/${f}`),
  ].filter((f) => f.endsWith('.xml'));
  return files.sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
}
