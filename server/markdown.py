"""A small Markdown-to-HTML renderer for emptor's own documentation pages.

It handles the subset docs/rules.md uses (headings, paragraphs, lists, tables, fenced code,
inline code, bold, links) and escapes everything else, so the page can never carry markup the
docs did not intend. A heading that starts with a rule code gets that code as its id, which is
what ``/rules#SEL001`` links to.
"""

from __future__ import annotations

import html
import re

_CODE_HEADING = re.compile(r"^([A-Z]{3}\d{3})\b")
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)")


def _slug(text: str) -> str:
    match = _CODE_HEADING.match(text)
    if match:
        return match.group(1)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def inline(text: str) -> str:
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        code, bold, label, href = match.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{html.escape(bold)}</strong>")
        else:
            safe = href if re.match(r"^(https?://|#|/|\.\.?/)", href) else "#"
            out.append(f'<a href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def render(markdown: str) -> str:
    lines = markdown.splitlines()
    out: list[str] = []
    paragraph: list[str] = []
    i = 0

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(block))}</code></pre>")
        elif match := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            flush()
            level, text = len(match.group(1)), match.group(2).strip()
            out.append(f'<h{level} id="{html.escape(_slug(text))}">{inline(text)}</h{level}>')
        elif stripped.startswith(("- ", "* ")):
            flush()
            items = []
            while i < len(lines) and lines[i].strip().startswith(("- ", "* ")):
                item = lines[i].strip()[2:]
                while i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip() and not lines[i + 1].strip().startswith(("- ", "* ")):
                    i += 1
                    item += " " + lines[i].strip()
                items.append(f"<li>{inline(item)}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        elif stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            if rows:
                head = "".join(f"<th>{inline(c)}</th>" for c in rows[0])
                body = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            continue
        elif not stripped:
            flush()
        else:
            paragraph.append(stripped)
        i += 1
    flush()
    return "\n".join(out)
