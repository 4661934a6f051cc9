/* A small time-limited cache with a size bound (oldest entries go first). */
(function (root) {
  "use strict";

  class TtlCache {
    constructor({ ttlMs, maxEntries, now = () => Date.now() }) {
      this.ttlMs = ttlMs;
      this.maxEntries = maxEntries;
      this.now = now;
      this.entries = new Map();
    }

    get(key) {
      const entry = this.entries.get(key);
      if (!entry) return undefined;
      if (this.now() - entry.storedAt > this.ttlMs) {
        this.entries.delete(key);
        return undefined;
      }
      return entry.value;
    }

    set(key, value) {
      this.entries.delete(key);
      this.entries.set(key, { value, storedAt: this.now() });
      while (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value);
      }
    }

    clear() {
      this.entries.clear();
    }
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, { TtlCache });
})(globalThis);
