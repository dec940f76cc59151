/**
 * What an exchange log keeps of a message: PINs and passwords in AuthenticationInput, and any
 * From*Authentication, replaced by ***; keys never reach the body (they come in a header or the path).
 */
export function redactNcip(xml: string): string {
  return xml
    .replace(/<((?:[\w.-]+:)?AuthenticationInput)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, (block) =>
      /AuthenticationInputType[^>]*>\s*(?:PIN|Password)/i.test(block)
        ? block.replace(/(<(?:[\w.-]+:)?AuthenticationInputData\b[^>]*>)[\s\S]*?(<\/)/i, '$1***$2')
        : block,
    )
    .replace(/(<((?:[\w.-]+:)?From(?:Agency|System)Authentication)\b[^>]*>)[\s\S]*?(<\/\2\s*>)/gi, '$1***$3');
}
