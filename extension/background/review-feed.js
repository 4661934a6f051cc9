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

const FEED = "AliExpress's review feed";

/** Why a feed page was not read, in words for the shopper's panel (no error names). */
function fetchFailure(error) {
  if (error && error.name === "TimeoutError") return `${FEED} did not answer within ${REVIEW_FETCH_TIMEOUT_MS / 1000} s`;
  if (error && error.name === "SyntaxError") return `${FEED} did not answer with reviews`;
  return `${FEED} could not be reached`;
}

/** Fetch the pages in order; stop at the first that fails or is not JSON. Answers
 * {pages, failure}: the pages read, and, when one could not be, why (a phrase the panel shows in
 * "The reviews could not be loaded (…)"), else null. */
export async function fetchReviewPages(pageUrl, feedUrls) {
  const pages = [];
  const urls = onPageOrigin(feedUrls, pageUrl);
  if (!urls.length) return { pages, failure: `the report names no address of ${FEED}` };
  for (const url of urls) {
    const { host } = new URL(url);
    if (!(await granted(url))) {
      console.warn(`emptor: not fetching reviews from ${host}, which the extension has no permission for`);
      return { pages, failure: `emptor has no permission to read ${host}` };
    }
    try {
      const response = await fetch(url, { credentials: "include", signal: AbortSignal.timeout(REVIEW_FETCH_TIMEOUT_MS) });
      if (!response.ok) return { pages, failure: `${FEED} answered with error ${response.status}` };
      pages.push(await response.json());
    } catch (error) {
      console.info(`emptor: review feed page not fetched (${error.name})`);
      return { pages, failure: fetchFailure(error) };
    }
  }
  return { pages, failure: null };
}
