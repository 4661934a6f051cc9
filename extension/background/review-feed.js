/*
 * The first pages of a listing's review feed, fetched in the shopper's own browser session (so
 * the feed answers as it does for them), then handed to the service with the page. Which pages
 * to fetch is the service's to say (report.review_feed_urls); this file only fetches them, and
 * only from hosts the manifest grants (host_permissions).
 */
import "../lib/constants.js";

const { REVIEW_FETCH_TIMEOUT_MS } = globalThis.EMPTOR;

/** The feed addresses, on the listing page's own scheme and port: https and no port in real
 * use, where this changes nothing; the tests serve every page over plain http on one local port.
 * Addresses that are not http(s) are dropped. */
export function onPageOrigin(urls, pageUrl) {
  const page = new URL(pageUrl);
  const rebased = [];
  for (const text of Array.isArray(urls) ? urls : []) {
    let url;
    try {
      url = new URL(text);
    } catch {
      continue;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") continue;
    url.protocol = page.protocol;
    url.port = page.port;
    rebased.push(url.href);
  }
  return rebased;
}

async function granted(url) {
  const { protocol, host } = new URL(url);
  return chrome.permissions.contains({ origins: [`${protocol}//${host}/*`] });
}

/** Fetch the pages in order; stop at the first that fails or is not JSON. */
export async function fetchReviewPages(pageUrl, feedUrls) {
  const pages = [];
  for (const url of onPageOrigin(feedUrls, pageUrl)) {
    if (!(await granted(url))) {
      console.warn(`emptor: not fetching reviews from ${new URL(url).host}, which the extension has no permission for`);
      break;
    }
    try {
      const response = await fetch(url, { credentials: "include", signal: AbortSignal.timeout(REVIEW_FETCH_TIMEOUT_MS) });
      if (!response.ok) break;
      pages.push(await response.json());
    } catch (error) {
      console.info(`emptor: review feed page not fetched (${error.name})`);
      break;
    }
  }
  return pages;
}
