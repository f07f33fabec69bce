/**
 * Does the upload start like the type it claims? (pure) A customer's "image/png" that is really
 * HTML or a script is refused before it is stored, whatever the browser said.
 */
const startsWith = (body: Buffer, bytes: ReadonlyArray<number>, at = 0) =>
  body.length >= at + bytes.length && bytes.every((b, i) => body[at + i] === b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

export function sniffMatches(contentType: string, body: Buffer): boolean {
  switch (contentType) {
    case 'image/png':
      return startsWith(body, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return startsWith(body, [0xff, 0xd8, 0xff]);
    case 'image/gif':
      return startsWith(body, ascii('GIF87a')) || startsWith(body, ascii('GIF89a'));
    case 'image/webp':
      return startsWith(body, ascii('RIFF')) && startsWith(body, ascii('WEBP'), 8);
    case 'application/pdf':
      return startsWith(body, ascii('%PDF-'));
    default:
      return false;
  }
}
