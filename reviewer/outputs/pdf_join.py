"""Joining tagged PDFs made by WeasyPrint into one tagged PDF (pikepdf, on qpdf).

A long document is laid out in parts so that memory stays bounded (WeasyPrint keeps every page
of a document until it is written). Each part is a whole tagged PDF: a structure tree whose root
holds one ``Document`` element, a parent tree keyed by each page's ``/StructParents``, and the
marked content of its pages. The joined file is the first part (its catalogue: language,
title, metadata, bookmarks, PDF/UA identification) with every later part's pages appended,
their structure elements moved under the first part's ``Document`` element in order, and their
parent-tree keys moved past the keys already used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def join_tagged(parts: Sequence[Path], out: Path) -> Path:
    """Write ``parts`` (tagged PDFs, in order) to ``out`` as one tagged PDF."""
    import pikepdf

    with pikepdf.open(parts[0]) as joined:
        root = joined.Root.StructTreeRoot
        document = _document(root)
        nums = root.ParentTree.Nums
        next_key = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
        for path in parts[1:]:
            with pikepdf.open(path) as part:
                next_key = _append(joined, document, nums, next_key, part)
        root.ParentTreeNextKey = next_key
        joined.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out


def _append(joined, document, nums, next_key: int, part) -> int:  # noqa: ANN001 - pikepdf
    """Append ``part``'s pages and structure; returns the next free parent-tree key."""
    offset = next_key
    for page in part.pages:
        joined.pages.append(page)
        copied = joined.pages[-1].obj
        if "/StructParents" in copied:
            copied.StructParents = int(copied.StructParents) + offset
            next_key = max(next_key, int(copied.StructParents) + 1)
    source = part.Root.StructTreeRoot
    part_nums = source.ParentTree.Nums
    for k in range(0, len(part_nums), 2):
        key = int(part_nums[k]) + offset
        nums.append(key)
        nums.append(_copy(joined, part_nums[k + 1]))
        next_key = max(next_key, key + 1)
    for kid in _copy(joined, _document(source).K):
        kid.P = document
        document.K.append(kid)
    return next_key


def _copy(joined, value):  # noqa: ANN001, ANN202 - pikepdf objects
    """``value`` from another PDF: indirect objects copied (once: qpdf remembers what it has
    copied from each file, so pages and elements keep pointing at each other), direct arrays
    element by element."""
    import pikepdf

    if value.is_indirect:
        return joined.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(joined, v) for v in value])
    return value


def _document(struct_root):  # noqa: ANN001, ANN202 - pikepdf objects
    """The structure root's one ``Document`` element, whose kids are an array (WeasyPrint's
    layout; anything else is not joined rather than joined wrongly)."""
    import pikepdf

    k = struct_root.K
    document = k[0] if isinstance(k, pikepdf.Array) and len(k) == 1 else k
    if document.get("/S") != "/Document" or not isinstance(document.get("/K"), pikepdf.Array):
        raise ValueError("not a structure tree of one Document element")
    return document
