// The browser's services that the page's wasm asks for, each a line or two here, where through
// web-sys each was a few hundred bytes of the page's wasm (0.3 KB gzipped in all).

// Puts text on the clipboard if the browser allows; a refusal is quietly ignored (a link is
// shown on the page as well).
export function copyText(text) {
  navigator.clipboard?.writeText(text).catch(() => {});
}

// The page's address without its query: what a share link is made on.
export const baseUrl = () => location.origin + location.pathname;

// Hands `data` (a string or bytes) to the browser to save as `name`: a download link, clicked.
export function saveFile(name, data, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}
