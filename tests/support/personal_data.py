"""A CONSTRUCTED order page with personal data: the real legacy order page (tests/fixtures/orders),
fake personal data where its author's placeholders stand, for the redaction tests."""

from __future__ import annotations

from .fixtures import FIXTURES

ORDERS = FIXTURES / "orders"
LEGACY = (ORDERS / "order_detail_legacy_2014_redacted.html").read_text(encoding="utf-8")

FAKE = {"name": "Anna Dóttir Example", "street": "Laugavegur 999", "street2": "Apartment 4B", "zip": "101",
        "mobile": "+354 555 0199", "tel": "555-0123", "email": "anna.example@mail.example.com"}


def constructed_order_page() -> str:
    """CONSTRUCTED: the real legacy order page, fake personal data where its placeholders were,
    an e-mail line added to the address list and the buyer's address as a current page's script
    would embed it."""
    page = (LEGACY.replace("REDACTED NAME", FAKE["name"]).replace("REDACTED STREET", FAKE["street"])
            .replace('<li class="long"><label>&nbsp;</label><span class="i18ncopy"></span></li>',
                     f'<li class="long"><label>&nbsp;</label><span class="i18ncopy">{FAKE["street2"]}</span></li>')
            .replace('class="i18ncopy">000</span>', f'class="i18ncopy">{FAKE["zip"]}</span>')
            .replace('i18ncopy ">0000000000<', f'i18ncopy ">{FAKE["mobile"]}<')
            .replace(">000-000-0000<", f">{FAKE['tel']}<")
            .replace('<li class="clear"><label>Fax:</label><span></span></li>',
                     f'<li class="clear"><label>Fax:</label><span></span></li><li><label>Email:</label>'
                     f'<span>{FAKE["email"]}</span></li>'))
    script = ('<script>window.__INIT_DATA_CALLBACK__({"addressVO":{"contactName":"Anna D\\u00f3ttir Example",'
              '"detailAddress":"Laugavegur 999","fullPhoneNo":"+354 555 0199","country":"Iceland"}});</script>')
    assert page.count(FAKE["name"]) == 1 and FAKE["street2"] in page and FAKE["email"] in page
    return page.replace("</body>", script + "</body>")
