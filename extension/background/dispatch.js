/*
 * Which message may be handled, decided in one place (pure: tested with node --test).
 *
 * Content scripts may send only the content-script messages and must come from a tab; the popup
 * and options page may send only theirs and must come from the extension's own pages. Anything
 * else, including a message from another extension, is refused.
 */
import "../lib/constants.js";

const C = globalThis.EMPTOR;

export function makeRouter(handlers, { extensionId, extensionOrigin }) {
  return function route(request, sender) {
    const type = request && request.type;
    if (!sender || sender.id !== extensionId || !Object.hasOwn(handlers, type)) return null;
    if (C.CONTENT_SCRIPT_MESSAGES.includes(type)) return sender.tab ? handlers[type] : null;
    if (C.EXTENSION_PAGE_MESSAGES.includes(type)) {
      const fromOwnPage = typeof sender.url === "string" && sender.url.startsWith(extensionOrigin);
      return fromOwnPage ? handlers[type] : null;
    }
    return null;
  };
}
