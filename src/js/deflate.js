// Raw DEFLATE (RFC 1951) with the browser's own compressor, for share links: a compressor
// compiled into the page's wasm would add 8.4 KB to it (docs/PERFORMANCE.md).
export async function deflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
