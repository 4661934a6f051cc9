"""What can be wrong with emptor's input, as exceptions that know nothing of HTTP.

A problem has a stable ``code`` (for programs), a ``message`` (one sentence for a person) and,
when one part of a request is at fault, the ``field`` it names. The extractors, the fetcher,
the request readers and the command line raise these; ``server/errors.py`` alone turns them
into HTTP responses, choosing the status by kind, and ``emptor scan`` prints the message.

The kinds, and the rule between the two commonest:

- :class:`InvalidRequest`: the request breaks the API's contract, which a caller can check
  without knowing anything about marketplaces: it is not a JSON object, names a field the API
  does not have, or gives a field of the wrong type or form (a ``url`` that is not an absolute
  http(s) address). HTTP 400.
- :class:`UnreadableInput`: the request is well formed, but what it carries is not something
  emptor can read or will judge: a page that is not HTML, a site emptor does not read, a data
  blob or review page that does not decode, a page whose own address is on another site.
  HTTP 422.
- :class:`Unauthorized` (401): a request to a paired endpoint without a valid signature
  (server/pairing.py).
- :class:`TooLarge` (413), :class:`UnsupportedMediaType` (415), :class:`Forbidden` (403),
  :class:`NotFound` (404) and :class:`FetchFailed` (502) and :class:`Busy` (503) are what their names say.
"""

from __future__ import annotations


class Problem(Exception):
    """Something emptor cannot do with its input, with a stable code and a sentence.

    A subclass that always means one thing sets ``code`` itself; the general kinds are given
    one when raised: ``InvalidRequest("bad_sku", "…", field="selected_sku_id")``.
    """

    code: str = ""

    def __init__(self, *args: str, field: str | None = None):
        if len(args) == 2:
            self.code, message = args
        elif len(args) == 1 and self.code:
            (message,) = args
        else:
            raise TypeError(f"{type(self).__name__} takes (code, message), or (message) when its code is fixed")
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidRequest(Problem):
    """The request breaks the API's contract (a field missing, unknown, or of the wrong form)."""


class UnreadableInput(Problem):
    """A well-formed request or file whose content emptor cannot read or will not judge."""


class Unauthorized(Problem):
    """The caller is not paired: no signature, a bad one, a stale timestamp or a used nonce."""


class TooLarge(Problem):
    """The input is over a size limit."""


class UnsupportedMediaType(Problem):
    """The body is declared as something other than JSON, or in an encoding emptor does not read."""


class Forbidden(Problem):
    """The caller may not ask: a web page's origin, or a host name that is not this machine's."""


class NotFound(Problem):
    """The thing asked for does not exist."""


class FetchFailed(Problem):
    """A marketplace address could not be fetched."""


class Unavailable(Problem):
    """This machine lacks what the request needs (a program to open a folder with)."""


class Busy(Problem):
    """The service cannot take the request now; the same request later may succeed."""
