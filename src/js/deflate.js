// Raw DEFLATE (RFC 1951) with the browser's own compressor and decompressor, for share
// links: miniz_oxide compiled into the page's wasm would add 14.9 KB to it
// (docs/PERFORMANCE.md).

const through = (bytes, stream) => new Blob([bytes]).stream().pipeThrough(stream);

export async function deflateRaw(bytes) {
  if (typeof CompressionStream === "undefined") throw new Error("this browser has no CompressionStream");
  return new Uint8Array(await new Response(through(bytes, new CompressionStream("deflate-raw"))).arrayBuffer());
}

// The inflated bytes; `null` as soon as there are more than `limit` of them (so a small link
// cannot blow up into a huge program), `undefined` if `bytes` is not raw DEFLATE, `false` if
// the browser has no DecompressionStream.
export async function inflateRaw(bytes, limit) {
  if (typeof DecompressionStream === "undefined") return false;
  const reader = through(bytes, new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > limit) {
        reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
