"""Joining tagged PDFs made by WeasyPrint into one tagged PDF, object by object, so that memory
stays bounded by one part (docs/plans.md, "Large plans").

A long document is laid out in parts (WeasyPrint keeps every page of a document until it is
written). Joining them with qpdf (pikepdf's ``Pdf.pages.append``) held every object of the
result, about 1.6 KB per structure element, and a 10,000-item plan has half a million. Here
each part is opened in turn (pikepdf), its objects are written out renumbered (part k's object
n becomes n plus the objects before it) and the part is closed. Five objects are made afresh
at the end, numbered 1 to 5: the catalogue (the first part's, with its language, metadata,
bookmarks and viewer settings), one page tree of every page, the structure tree root, its one
``Document`` element holding every part's top-level elements in order, and the parent tree,
each part's keys moved past the keys of the parts before (as are its pages'
``/StructParents``). Each part's own catalogue, page tree, structure root, ``Document``
element and parent tree are left out, and every reference to them points to the new ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

CATALOG, PAGES, STRUCT_ROOT, DOCUMENT, PARENT_TREE = 1, 2, 3, 4, 5
PACK = 200                          # objects per object stream
# A string (kept as it is: it may hold text that looks like a reference) or a reference.
_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R\b")


def join_tagged(parts: Sequence[Path], out: Path) -> Path:
    """Write ``parts`` (tagged PDFs, in order) to ``out`` as one tagged PDF."""
    import pikepdf

    with out.open("wb") as f:
        w = _Writer(f)
        base, key_offset = CATALOG + PARENT_TREE, 0
        pages: list[int] = []
        kids: list[bytes] = []
        nums: list[bytes] = []
        catalog = info = file_id = b""
        for index, path in enumerate(parts):
            with pikepdf.open(path) as part:
                if index == 0:
                    w.header(part.pdf_version)
                root = part.Root
                struct = root.StructTreeRoot
                document = struct.K[0] if isinstance(struct.K, pikepdf.Array) else struct.K
                reserved = {root.objgen: CATALOG, root.Pages.objgen: PAGES,
                            struct.objgen: STRUCT_ROOT, document.objgen: DOCUMENT}
                if struct.ParentTree.is_indirect:
                    reserved[struct.ParentTree.objgen] = PARENT_TREE
                left_out = set(reserved)
                if index > 0:               # the later parts' metadata and information
                    left_out |= {o.objgen for o in (root.get("/Metadata"),
                                                    part.trailer.get("/Info")) if o is not None}
                renumber = _renumberer(reserved, base)
                page_keys = {p.objgen for p in part.pages}
                for obj in part.objects:
                    if obj.objgen in left_out or obj.get("/Type") in ("/ObjStm", "/XRef"):
                        continue
                    if obj.objgen in page_keys and "/StructParents" in obj:
                        obj.StructParents = int(obj.StructParents) + key_offset
                    number = base + obj.objgen[0]
                    if isinstance(obj, pikepdf.Stream):
                        raw = obj.read_raw_bytes()
                        obj.stream_dict.Length = len(raw)
                        w.stream(number, renumber(obj.stream_dict.unparse(resolved=True)), raw)
                    else:
                        w.packed(number, renumber(obj.unparse(resolved=True)))
                pages += [base + p.objgen[0] for p in part.pages]
                kids += [renumber(k.unparse()) for k in document.K]
                part_nums = struct.ParentTree.Nums
                keys = [int(part_nums[i]) for i in range(0, len(part_nums), 2)]
                for i, key in zip(range(1, len(part_nums), 2), keys, strict=True):
                    nums.append(b"%d " % (key + key_offset)
                                + renumber(part_nums[i].unparse(resolved=True)))
                if index == 0:
                    catalog = renumber(root.unparse(resolved=True))
                    info = renumber(part.trailer.Info.unparse()) if "/Info" in part.trailer \
                        else b""
                    file_id = part.trailer.get("/ID").unparse() if "/ID" in part.trailer \
                        else b""
                key_offset += max(keys, default=-1) + 1
                base += int(part.trailer.Size)
                base = w.pack(base)         # the part's plain objects, in object streams
        w.obj(CATALOG, catalog)
        w.obj(PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>"
              % (len(pages), b" ".join(b"%d 0 R" % p for p in pages)))
        w.obj(STRUCT_ROOT, b"<< /Type /StructTreeRoot /K [ %d 0 R ] /ParentTree %d 0 R "
              b"/ParentTreeNextKey %d >>" % (DOCUMENT, PARENT_TREE, key_offset))
        w.obj(DOCUMENT, b"<< /Type /StructElem /S /Document /P %d 0 R /K [ %s ] >>"
              % (STRUCT_ROOT, b" ".join(kids)))
        w.obj(PARENT_TREE, b"<< /Nums [ %s ] >>" % b" ".join(nums))
        w.finish(info, file_id)
    return out


def _renumberer(reserved: dict[tuple[int, int], int], base: int) -> Callable[[bytes], bytes]:
    def new(m: re.Match) -> bytes:
        if m.group(1) is None:
            return m.group(0)
        old = (int(m.group(1)), int(m.group(2)))
        return b"%d 0 R" % reserved.get(old, base + old[0])

    return lambda data: _TOKEN.sub(new, data)


class _Writer:
    """A PDF written object by object: streams as they come, other objects packed PACK at a time
    into compressed object streams, and a cross-reference stream at the end."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.where: dict[int, tuple[int, int, int]] = {}    # number -> (type, field 2, field 3)
        self.waiting: list[tuple[int, bytes]] = []

    def header(self, version: str) -> None:
        self.f.write(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version.encode())

    def obj(self, number: int, body: bytes) -> None:
        self.where[number] = (1, self.f.tell(), 0)
        self.f.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def stream(self, number: int, head: bytes, raw: bytes) -> None:
        self.where[number] = (1, self.f.tell(), 0)
        self.f.write(b"%d 0 obj\n%s\nstream\n" % (number, head))
        self.f.write(raw)
        self.f.write(b"\nendstream\nendobj\n")

    def packed(self, number: int, body: bytes) -> None:
        self.waiting.append((number, body))

    def pack(self, free: int) -> int:
        """Write the waiting objects into object streams numbered from ``free``; returns the
        next free number."""
        import zlib

        for k in range(0, len(self.waiting), PACK):
            batch, heads, bodies, at = self.waiting[k:k + PACK], [], [], 0
            for index, (number, body) in enumerate(batch):
                self.where[number] = (2, free, index)
                heads.append(b"%d %d" % (number, at))
                bodies.append(body)
                at += len(body) + 1
            head = b" ".join(heads) + b"\n"
            data = zlib.compress(head + b"\n".join(bodies) + b"\n")
            self.stream(free, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode "
                        b"/Length %d >>" % (len(batch), len(head), len(data)), data)
            free += 1
        self.waiting = []
        return free

    def finish(self, info: bytes, file_id: bytes) -> None:
        import zlib

        number = max(self.where) + 1
        self.where[number] = (1, self.f.tell(), 0)
        rows = [bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                for kind, a, b in (self.where.get(n, (0, 0, 0 if n else 65535))
                                   for n in range(number + 1))]
        data = zlib.compress(b"".join(rows))
        head = (b"<< /Type /XRef /Size %d /W [ 1 4 2 ] /Root %d 0 R /Filter /FlateDecode "
                b"/Length %d" % (number + 1, CATALOG, len(data)))
        if info:
            head += b" /Info " + info
        if file_id:
            head += b" /ID " + file_id
        start = self.f.tell()
        self.f.write(b"%d 0 obj\n%s >>\nstream\n" % (number, head) + data
                     + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
