"""Where questions stand: pages (add, title, order, remove) and a question's page and position.

The form shows a page's questions with an `x-ui.order` first, ascending, then the others in
declared order; moving a question changes only the orders (or, where nobody has one, the
declared order) of the questions beside it.
"""

import copy
from typing import Any

from portal.services.studio.editing.tree import (
    LOCALES,
    EditError,
    check_key,
    find,
    holder,
    page_of,
    pages,
    split,
    ui_of,
)


def _title(title: dict) -> dict:
    value = {locale: (title.get(locale) or "").strip() for locale in LOCALES}
    if not value["de"]:
        raise EditError("title_needed", "title_de")
    return value


def add_page(document: dict, key: str, title: dict) -> dict:
    """A new last page."""
    out = copy.deepcopy(document)
    key = check_key(key)
    ui = ui_of(out)
    declared = ui.setdefault(
        "pages", [{"key": "main", "title": {"de": "Fragen", "en": "Questions"}}]
    )
    if any(p.get("key") == key for p in declared):
        raise EditError("page_taken", "key", key=key)
    declared.append({"key": key, "title": _title(title)})
    return out


def _page(document: dict, key: str) -> tuple[list[dict], int]:
    declared = pages(document)
    for index, page in enumerate(declared):
        if page.get("key") == key:
            return declared, index
    raise EditError("unknown_page", "page", page=key)


def set_page_title(document: dict, key: str, title: dict) -> dict:
    """The page's title in German and English."""
    out = copy.deepcopy(document)
    declared, index = _page(out, key)
    declared[index]["title"] = _title(title)
    return out


def move_page(document: dict, key: str, step: int) -> dict:
    """The page one place up (step -1) or down (+1); questions keep their page."""
    out = copy.deepcopy(document)
    declared, index = _page(out, key)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(declared):
        return out
    first = declared[0]["key"]
    declared[index], declared[other] = declared[other], declared[index]
    if declared[0]["key"] != first:
        # Questions without a page go on the first one: pin them where they were.
        for prop in (out.get("properties") or {}).values():
            if isinstance(prop, dict) and "page" not in (prop.get("x-ui") or {}):
                ui_of(prop)["page"] = first
    return out


def remove_page(document: dict, key: str) -> dict:
    """Remove a page that holds no question."""
    out = copy.deepcopy(document)
    declared, index = _page(out, key)
    if len(declared) == 1:
        raise EditError("last_page", "page")
    if any(
        isinstance(p, dict) and page_of(out, p) == key for p in out.get("properties", {}).values()
    ):
        raise EditError("page_not_empty", "page", page=key)
    del declared[index]
    return out


def _order(prop: dict) -> Any:
    ui = prop.get("x-ui")
    return ui.get("order") if isinstance(ui, dict) else None


def siblings(document: dict, path: str) -> list[str]:
    """The keys of the questions shown beside this one (same page or same object), in form order."""
    keys = split(path)
    parent = holder(document, keys)
    props = {k: p for k, p in (parent.get("properties") or {}).items() if isinstance(p, dict)}
    if len(keys) == 1:
        page = page_of(document, props[keys[-1]])
        props = {k: p for k, p in props.items() if page_of(document, p) == page}
    with_order = sorted(
        (k for k in props if type(_order(props[k])) is int), key=lambda k: _order(props[k])
    )
    return with_order + [k for k in props if type(_order(props[k])) is not int]


def move_question(document: dict, path: str, step: int) -> dict:
    """The question one place up (step -1) or down (+1) among the questions beside it."""
    out = copy.deepcopy(document)
    parent, key, prop = find(out, path)
    row = siblings(out, path)
    index = row.index(key)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(row):
        return out
    props = parent["properties"]
    mine, theirs = props[key], props[row[other]]
    orders = [_order(props[k]) for k in row]
    if all(type(o) is int for o in orders) and len(set(orders)) == len(orders):
        ui_of(mine)["order"], ui_of(theirs)["order"] = _order(theirs), _order(mine)
    elif all(o is None for o in orders):
        a, b = key, row[other]
        parent["properties"] = {
            (b if k == a else a if k == b else k): (
                props[b] if k == a else props[a] if k == b else v
            )
            for k, v in props.items()
        }
    else:
        row[index], row[other] = row[other], row[index]
        base = min((o for o in orders if type(o) is int), default=10) - 10
        for position, name in enumerate(row, start=1):
            ui_of(props[name])["order"] = base + 10 * position
    return out


def move_to_page(document: dict, path: str, page: str) -> dict:
    """Put a top-level question last on another page."""
    out = copy.deepcopy(document)
    keys = split(path)
    if len(keys) != 1:
        raise EditError("not_top_level", "page")
    _, _, prop = find(out, path)
    _page(out, page)
    if page_of(out, prop) == page:
        return out
    others = [
        _order(p)
        for k, p in out["properties"].items()
        if isinstance(p, dict) and k != keys[0] and page_of(out, p) == page
    ]
    ui = ui_of(prop)
    ui["page"] = page
    numbers = [o for o in others if type(o) is int]
    if numbers:
        ui["order"] = max(numbers) + 10
    else:
        ui.pop("order", None)
    return out
