"""The SVG of a diagram in the current language: its title, its description and its legend.

One drawing for the diagram page, the SVG download and the PDF package; the layout and the
SVG itself come from the dfd library.
"""

from flask_babel import gettext as _

import dfd
from portal.models import Order
from portal.services.diagrams.rows import KIND_LABELS


def render(order: Order, systems: list[dict], flows: list[dict], version: int | None) -> str:
    """The SVG of a diagram, with title, description and legend in the current language."""
    labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
    result = dfd.layout(systems, flows, labels)
    names = {"customer": order.customer_name, "code": order.short_code}
    title = (
        _("Datenflussdiagramm %(customer)s (%(code)s), Version %(n)d", n=version, **names)
        if version
        else _("Datenflussdiagramm %(customer)s (%(code)s), Entwurf", **names)
    )
    listed = "; ".join(f"{b.name} ({labels[b.kind]})" for b in result.boxes)
    description = _(
        "Systeme: %(systems)s. Datenflüsse: %(flows)s.",
        systems=listed,
        flows=dfd.default_description(result) or _("keine"),
    )
    return dfd.render_svg(result, title, description=description, labels=labels)
