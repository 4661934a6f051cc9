"""MSG: what the seller asks of the buyer in a message thread (issue 10, "Deadlines and warnings").

These rules take a :class:`heuristics.model.MessageThread`, not a listing
(``heuristics.analyze_thread``). Only the seller's messages count: the buyer quoting the seller,
and the platform's own notices (its "confirm receipt" reminder), never fire. A request said in
the negative ("please don't confirm receipt until you get it", "no need to close the dispute")
is not a request. Words are matched as :mod:`heuristics.lexicon` matches every list.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import lexicon
from ..lexicon import normalize
from ..model import DELIVERED_STATUSES, NOT_DELIVERED_STATUSES, Confidence, Severity, risk
from ..registry import rule

_CONFIRM = lexicon._pattern(lexicon.CONFIRM_RECEIPT_WORDS)
_AFTER_RECEIPT = lexicon._pattern(lexicon.AFTER_RECEIPT_WORDS)
_PAYMENT = lexicon._pattern(lexicon.OFF_PLATFORM_PAYMENT_WORDS)
_CONTACT = lexicon._pattern(lexicon.OFF_PLATFORM_CONTACT_WORDS)
_CLOSE_DISPUTE = lexicon._pattern(lexicon.CLOSE_DISPUTE_WORDS)
_FEEDBACK = lexicon._pattern(lexicon.POSITIVE_FEEDBACK_WORDS)
_PROMISE = lexicon._pattern(lexicon.PROMISE_WORDS)


def _alternatives(words) -> str:
    return "|".join(re.escape(normalize(w)) for w in sorted(words, key=len, reverse=True))


# A negation, then any fillers ("please", "yet"), right before the request, in the same clause.
_NEGATED_BEFORE = re.compile(
    rf"(?<!\w)(?:{_alternatives(lexicon.NEGATION_BEFORE)})(?:\s+(?:{_alternatives(lexicon.NEGATION_FILLERS)}))*\s*$"
)
_NEGATED_AFTER = re.compile(rf"^\s*(?:{_alternatives(lexicon.NEGATION_AFTER)})(?!\w)")
_CLAUSE_END = re.compile(r"[.!?;,:\n]")
_SENTENCE_END = re.compile(r"[.!?\n]")
# A phone number written to be dialled from abroad (+86 138 0013 8000), so an order or tracking
# number is never taken for one; and an e-mail address.
_PHONE = re.compile(r"(?<![\w+])\+\d[\d\s().-]{6,}\d(?!\w)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?!\w)")


def _text(message) -> str:
    return normalize(message.text or "").replace("\u2019", "'")


def _negated(text: str, start: int, end: int) -> bool:
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    return bool(_NEGATED_BEFORE.search(text[clause_start:start]) or _NEGATED_AFTER.match(text[end:]))


def _sentence(text: str, start: int, end: int) -> str:
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    after = _SENTENCE_END.search(text, end)
    return text[begin:after.start() if after else len(text)]


def _requests(pattern: re.Pattern, text: str, unless=lambda match: False) -> list[str]:
    """The words of ``pattern`` in ``text`` not said in the negative (nor where ``unless(match)``),
    in order, each once."""
    found = [m.group(0) for m in pattern.finditer(text) if not _negated(text, m.start(), m.end()) and not unless(m)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class _Hit:
    number: int  # the message's position in the thread, from 1
    sent_at: str | None
    words: list[str]


def _seller_hits(thread, find) -> list[_Hit]:
    """Each seller message in which ``find(text)`` finds words."""
    hits = []
    for number, message in enumerate(thread.messages, 1):
        if message.sender != "seller":
            continue
        words = find(_text(message))
        if words:
            hits.append(_Hit(number, message.sent_at, words))
    return hits


def _where(hits: list[_Hit]) -> str:
    first = hits[0]
    date = f" ({first.sent_at[:10]})" if first.sent_at else ""
    return f"In message {first.number}{date}"


def _again(hits: list[_Hit]) -> str:
    others = [str(hit.number) for hit in hits[1:]]
    if not others:
        return ""
    return f" It says so again in message{'s' if len(others) > 1 else ''} {', '.join(others)}."


def _quoted(words: list[str]) -> str:
    return ", ".join(f'"{word}"' for word in words)


def _evidence(hits: list[_Hit], **more) -> dict:
    return {
        "message_number": hits[0].number,
        "sent_at": hits[0].sent_at,
        **more,
        "also_in": [hit.number for hit in hits[1:]],
    }


@rule("MSG001", "Asked to confirm receipt early", since="0.2")
def confirm_receipt_early(thread, context):
    """**What.** The seller asks the buyer to confirm receipt ("please confirm receipt", "confirme
    la recepción", "подтвердите получение", "אשר קבלה"…) and the order is not known to be
    delivered. High confidence when the order context says it is not yet delivered (awaiting
    payment, shipment or delivery); low when the thread does not say. Quiet when the order is
    delivered or completed, when the request is said in the negative ("please don't confirm receipt
    until you get it") or is made for after the item arrives ("once you receive it, please confirm
    receipt"), and for the platform's own "confirm receipt" notice or the buyer's words.

    **Why.** Confirming receipt ends the buyer protection and releases the payment to the seller:
    a seller who has not delivered and asks for it is asking the buyer to give up the refund. It is
    the commonest message-thread trick (the parcel "is stuck at customs, confirm and we will
    resend"). Sellers also ask it, harmlessly, once the item has arrived, so without the order's
    status the finding is of low confidence (high / low, +16); with an order not yet delivered it
    is certain (high / high, +32).

    **Evidence.** `message_number` (its number in the thread, from 1), `sent_at`, `words_found`,
    `also_in` (the other seller messages asking it), `order_status` and `protection_ends` (when the
    thread shows them), and `protection_days_left` (the days of protection confirming would give
    up, counted from the time the thread is judged).

    **Example.** A constructed thread (no public capture of a message thread exists): the seller's
    message 2 of 2024-05-02, "Dear friend, the parcel is at customs. Please confirm receipt and we
    will resend", on an order awaiting delivery whose protection ends on 2024-06-01, judged on
    2024-05-03: "In message 2 (2024-05-02) the seller asks you to confirm receipt ("confirm
    receipt") while the order is awaiting delivery: confirming ends your buyer protection, 29 days
    before it runs out, and releases your payment to the seller. Confirm only once the item has
    arrived and works." high / high, +32.
    """

    def find(text: str) -> list[str]:
        return _requests(_CONFIRM, text, lambda m: _AFTER_RECEIPT.search(_sentence(text, m.start(), m.end())))

    hits = _seller_hits(thread, find)
    order = thread.order
    status = order.status if order else None
    if not hits or status in DELIVERED_STATUSES:
        return None
    protection_ends = order.protection_ends if order else None
    days_left = None
    if protection_ends:
        days_left = (dt.date.fromisoformat(protection_ends[:10]) - context.today).days
        days_left = days_left if days_left > 0 else None
    ends = (f"confirming ends your buyer protection, {days_left} day{'s' if days_left != 1 else ''} before it runs "
            "out, and releases your payment to the seller") if days_left else (
            "confirming ends your buyer protection and releases your payment to the seller")
    asked = f"{_where(hits)} the seller asks you to confirm receipt ({_quoted(hits[0].words)})"
    evidence = _evidence(hits, words_found=hits[0].words, order_status=status, protection_ends=protection_ends,
                         protection_days_left=days_left)
    if status in NOT_DELIVERED_STATUSES:
        return risk(
            Severity.HIGH,
            Confidence.HIGH,
            f"{asked} while the order is {status.replace('_', ' ')}: {ends}. Confirm only once the item has "
            f"arrived and works.{_again(hits)}",
            **evidence,
        )
    return risk(
        Severity.HIGH,
        Confidence.LOW,
        f"{asked}. If the item has not arrived, do not: {ends}.{_again(hits)}",
        **evidence,
    )


@rule("MSG002", "Asked to pay outside AliExpress", since="0.2")
def pay_outside(thread, context):
    """**What.** A seller message names a way to pay outside AliExpress: a bank or wire transfer,
    Western Union, MoneyGram, PayPal "friends and family", gift cards, crypto-currency (bitcoin,
    USDT), Pix, "перевод на карту", "העברה בנקאית"…

    **Why.** Money paid outside the platform's checkout is covered by no buyer protection and
    cannot be got back through a dispute; every one of these channels is chosen because a payment
    cannot be reversed. A marketplace seller has no honest reason to bring them up in the order's
    messages, so the finding is high / high, +32, on the words alone. A seller who names one only
    to warn against it ("we never ask for Western Union") fires too: the words are rare enough in
    a seller's mouth that the buyer should read the message.

    **Evidence.** `message_number`, `sent_at`, `words_found` (the payment channels named), `also_in`.

    **Example.** A constructed thread: the seller's message 3, "To get the refund faster, send 20
    USD by Western Union and we reship today": "In message 3 the seller brings up paying outside
    AliExpress ("western union"): money paid that way has no buyer protection and cannot be got
    back through a dispute. Pay only through AliExpress's checkout." high / high, +32.
    """
    hits = _seller_hits(thread, lambda text: list(dict.fromkeys(_PAYMENT.findall(text))))
    if not hits:
        return None
    return risk(
        Severity.HIGH,
        Confidence.HIGH,
        f"{_where(hits)} the seller brings up paying outside AliExpress ({_quoted(hits[0].words)}): money paid "
        f"that way has no buyer protection and cannot be got back through a dispute. Pay only through "
        f"AliExpress's checkout.{_again(hits)}",
        **_evidence(hits, words_found=hits[0].words),
    )


def _contacts(text: str) -> list[str]:
    found = _CONTACT.findall(text) + _EMAIL.findall(text) + [" ".join(p.split()) for p in _PHONE.findall(text)]
    return list(dict.fromkeys(found))


@rule("MSG003", "Asked to talk outside AliExpress", since="0.2")
def talk_outside(thread, context):
    """**What.** A seller message gives a way to talk outside AliExpress: WhatsApp, Telegram,
    WeChat, Viber, Skype (and their names in Russian, Hebrew and Chinese), a `wa.me` or `t.me`
    link, an e-mail address or a phone number written to be dialled from abroad (`+86 …`; a bare
    run of digits is taken for an order or tracking number, not a phone).

    **Why.** What is said outside the platform is not in the record a dispute is judged on, and
    it is where payment outside the platform (MSG002) and the early confirmation (MSG001) are asked
    for with no trace. It is a step towards harm, not harm itself: medium / high, +16.

    **Evidence.** `message_number`, `sent_at`, `words_found` (the apps, addresses and numbers given),
    `also_in`.

    **Example.** A constructed thread: the seller's message 1 of 2024-05-02, "Add me on WhatsApp
    +86 138 0013 8000 for fast service": "In message 1 (2024-05-02) the seller gives a way to talk
    outside AliExpress ("whatsapp", "+86 138 0013 8000"): what is said there is not in the record
    a dispute is judged on. Keep the conversation in AliExpress's messages." medium / high, +16.
    """
    hits = _seller_hits(thread, _contacts)
    if not hits:
        return None
    return risk(
        Severity.MEDIUM,
        Confidence.HIGH,
        f"{_where(hits)} the seller gives a way to talk outside AliExpress ({_quoted(hits[0].words)}): what is "
        f"said there is not in the record a dispute is judged on. Keep the conversation in AliExpress's "
        f"messages.{_again(hits)}",
        **_evidence(hits, words_found=hits[0].words),
    )


@rule("MSG004", "Asked to give up a dispute for a promise", since="0.2")
def dispute_for_a_promise(thread, context):
    """**What.** In one message the seller asks the buyer to close or cancel the dispute (high), or
    to leave positive feedback or five stars (medium), and promises something for it: a refund
    later, a resend, a coupon, a discount, a gift, compensation. A request in the negative ("no
    need to close the dispute, we will refund you") is not one.

    **Why.** Closing a dispute gives up the refund AliExpress would decide, for a promise nothing
    on the platform holds the seller to; a promise kept would not need the dispute closed first.
    That is high / high, +32. Feedback bought with a promise misleads the next buyers and, given
    before the problem is solved, leaves the buyer nothing to hold the seller to: medium / high,
    +16. When one message asks both, the dispute is the finding.

    **Evidence.** `message_number`, `sent_at`, `asks` (the words of the request), `promises` (the words
    of what is offered), `also_in`.

    **Example.** A constructed thread: the seller's message 4, "Please cancel the dispute and we
    will send you a full refund next week": "In message 4 the seller asks you to close the dispute
    ("cancel the dispute") for a promise ("full refund"): closing it gives up the refund AliExpress
    would decide, and nothing holds the seller to the promise. Keep the dispute open until what was
    promised has arrived." high / high, +32.
    """

    def find(pattern):
        def words(text: str) -> list[str]:
            asks = _requests(pattern, text)
            promises = list(dict.fromkeys(_PROMISE.findall(text))) if asks else []
            return [asks, promises] if asks and promises else []
        return words

    disputes = _seller_hits(thread, find(_CLOSE_DISPUTE))
    if disputes:
        asks, promises = disputes[0].words
        return risk(
            Severity.HIGH,
            Confidence.HIGH,
            f"{_where(disputes)} the seller asks you to close the dispute ({_quoted(asks)}) for a promise "
            f"({_quoted(promises)}): closing it gives up the refund AliExpress would decide, and nothing holds the "
            f"seller to the promise. Keep the dispute open until what was promised has arrived.{_again(disputes)}",
            **_evidence(disputes, asks=asks, promises=promises),
        )
    feedback = _seller_hits(thread, find(_FEEDBACK))
    if feedback:
        asks, promises = feedback[0].words
        return risk(
            Severity.MEDIUM,
            Confidence.HIGH,
            f"{_where(feedback)} the seller offers something ({_quoted(promises)}) for a good rating "
            f"({_quoted(asks)}): a rating bought this way misleads the next buyers, and given before a problem is "
            f"solved it leaves you nothing to hold the seller to. Rate the item as it is.{_again(feedback)}",
            **_evidence(feedback, asks=asks, promises=promises),
        )
    return None
