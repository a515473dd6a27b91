"""The menu and account block at the top of every signed-in page, rendered once and kept.

The block is the same for the same person in the same clinic on the same page: which menu
entries show depends on their app role, which one is marked current on the page, and the block
names them and their clinics. Rendering it (a dozen links and messages) took about 0.1 ms, 7%
of a hire's plan served from the cache (bench/README.md), so it is kept in
``render_cache.header_cache()`` under a key that holds everything ``_header.html`` reads.
"""

from typing import NamedTuple

from flask import Flask, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from clinic_onboard.models import AppRole
from clinic_onboard.web.render_cache import header_cache


class HeaderKey(NamedTuple):
    language: str
    script_root: str  # where the app is mounted: every link starts with it
    endpoint: str | None  # the page, marked current in the menu
    person: int
    name: str
    membership: int
    role: AppRole
    clinics: tuple[tuple[int, str], ...]  # every membership's clinic, for the switcher
    invitations: int  # clinics waiting for the person's answer: a menu entry when any


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_header"] = page_header


def page_header() -> Markup:
    """The block for the signed-in person in their current clinic (base.html asks only then)."""
    key = HeaderKey(
        str(get_locale()),
        request.script_root,
        request.endpoint,
        current_user.id,
        current_user.display_name,
        g.membership.id,
        g.membership.role,
        tuple((m.clinic_id, m.clinic.name) for m in g.memberships),
        len(current_user.pending_invitations),
    )
    html = header_cache().get_or_render(key, _render)
    return Markup(html.decode())


def _render(token: str) -> str:
    return render_template("_header.html", csrf_token=lambda: token)
