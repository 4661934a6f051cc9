"""Dispute evidence: saved pages and screenshots, content-addressed, in a hash chain
(server/evidence/store.py documents the record format and the hash)."""

from .store import (
    FORMAT,
    KINDS,
    Artifact,
    EvidenceError,
    canonical,
    delete,
    object_path,
    read_artifact,
    record_hash,
    records,
    save,
    select,
    sweep,
    verify,
)

__all__ = ["FORMAT", "KINDS", "Artifact", "EvidenceError", "canonical", "delete", "object_path", "read_artifact",
           "record_hash", "records", "save", "select", "sweep", "verify"]

MEGABYTE = 1024 * 1024
# What `emptor evidence save` accepts: a listing page saved by hand is 1-2 MB (docs/performance.md),
# as the service's 16 MB request limit allows; a full-page screenshot of a long listing at 2x
# is about 10-20 MB of PNG.
MAX_PAGE_BYTES = 16 * MEGABYTE
MAX_SCREENSHOT_BYTES = 25 * MEGABYTE
