/*
 * The first pages of a listing's review feed, fetched in the shopper's own browser session (so
 * the feed answers as it does for them), then handed to the service with the page.
 */
import "../lib/constants.js";

const { REVIEW_PAGES, REVIEW_PAGE_SIZE, REVIEW_FEED_PATH, REVIEW_FETCH_TIMEOUT_MS } = globalThis.EMPTOR;

/** The feed's locale for a page language, as the service's `emptor scan` asks for it:
 * en → en_US, he → iw_IL (AliExpress still uses Java's old code for Hebrew), de → de_DE. */
export function feedLocale(language) {
  if (!language || language === "en") return "en_US";
  if (language === "he") return "iw_IL";
  return `${language}_${language.toUpperCase()}`;
}

/** Where the feed lives, for a listing shown at pageUrl: always feedback.aliexpress.com,
 * with the page's own scheme and port (https in real use; tests serve plain http locally). */
export function reviewFeedUrls(pageUrl, report, pages = REVIEW_PAGES) {
  const listing = report.listing;
  if (!listing.product_id) return [];
  const page = new URL(pageUrl);
  const origin = `${page.protocol}//feedback.aliexpress.com${page.port ? ":" + page.port : ""}`;
  const params = {
    productId: listing.product_id,
    lang: feedLocale(listing.locale.language),
    country: listing.locale.country || "US",
    pageSize: String(REVIEW_PAGE_SIZE),
    filter: "all",
    sort: "complex_default",
  };
  return Array.from({ length: pages }, (_, i) => `${origin}${REVIEW_FEED_PATH}?${new URLSearchParams({ ...params, page: String(i + 1) })}`);
}

/** Fetch the feed pages in order; stop at the first failure or at the feed's last page. */
export async function fetchReviewPages(pageUrl, report) {
  const pages = [];
  for (const url of reviewFeedUrls(pageUrl, report)) {
    let page;
    try {
      const response = await fetch(url, { credentials: "include", signal: AbortSignal.timeout(REVIEW_FETCH_TIMEOUT_MS) });
      if (!response.ok) break;
      page = await response.json();
    } catch (error) {
      console.info(`emptor: review feed page not fetched (${error.name})`);
      break;
    }
    pages.push(page);
    const data = page && page.data;
    if (!data || !Array.isArray(data.evaViewList) || pages.length >= (data.totalPage || 0)) break;
  }
  return pages;
}
