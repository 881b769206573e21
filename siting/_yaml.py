"""YAML reading that remembers the line of every key, so errors can point at it.

The text is parsed once (PyYAML's C parser when it is installed) into nodes by an iterative
composer that enforces limits before anything is built: file size, nesting depth, number of
aliases and the size of the document with every alias expanded (which stops "billion laughs"
alias bombs in milliseconds). Duplicate keys in a mapping are an error naming both lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from siting._errors import SitingError

KeyPath = tuple[Any, ...]

MAX_BYTES = 2_000_000  # a scenario is a few KB; indicators.yaml ~20 KB
MAX_DEPTH = 40  # nesting levels of mappings and sequences
MAX_ALIASES = 100  # '*name' references
MAX_NODES = 200_000  # scalars and collections with every alias expanded


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _limit(message: str, file: str, mark: Any, fix: str) -> SitingError:
    return SitingError(message, file=file, line=(mark.line + 1) if mark else None, fix=fix)


def _key_text(node: Any) -> Any:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


class _Composer:
    """Builds the node graph of a single-document stream from parser events, with limits."""

    def __init__(self, loader: Any, file: str) -> None:
        import yaml

        self.yaml = yaml
        self.loader = loader
        self.file = file
        self.anchors: dict[str, Any] = {}
        # each frame: [node, pending key node or None, expanded size, {key: line}]
        self.stack: list[list[Any]] = []
        self.root: Any = None
        self.aliases = 0

    def compose(self) -> Any:
        from yaml import events as ev

        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(ev.StreamEndEvent):
            loader.get_event()
            return None
        loader.get_event()  # DocumentStart
        handlers = (
            (ev.AliasEvent, self._alias),
            (ev.ScalarEvent, self._scalar),
            (ev.SequenceStartEvent | ev.MappingStartEvent, self._start),
            (ev.SequenceEndEvent | ev.MappingEndEvent, self._end),
        )
        while not isinstance(event := loader.get_event(), ev.DocumentEndEvent):
            for kind, handle in handlers:
                if isinstance(event, kind):
                    handle(event)
                    break
        if not loader.check_event(ev.StreamEndEvent):
            raise _limit(
                "more than one YAML document in the file",
                self.file,
                loader.peek_event().start_mark,
                "remove the '---' separator and everything after it, or split the file",
            )
        return self.root

    def _alias(self, event: Any) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _limit(
                f"too many aliases (more than {MAX_ALIASES})",
                self.file,
                event.start_mark,
                "write the values out instead of referring to them with '*name'",
            )
        node = self.anchors.get(event.anchor)
        if node is None:
            raise _limit(
                f"unknown alias '*{event.anchor}'",
                self.file,
                event.start_mark,
                f"define '&{event.anchor}' before using it",
            )
        if any(frame[0] is node for frame in self.stack):
            raise _limit(
                f"alias '*{event.anchor}' refers to a value that contains it",
                self.file,
                event.start_mark,
                "remove the self-reference",
            )
        self._attach(node, getattr(node, "_siting_size", 1))

    def _tag(self, cls: Any, event: Any, value: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(cls, value, event.implicit)
        return tag

    def _scalar(self, event: Any) -> None:
        cls = self.yaml.ScalarNode
        node = cls(
            self._tag(cls, event, event.value),
            event.value,
            event.start_mark,
            event.end_mark,
            style=event.style,
        )
        if event.anchor:
            self.anchors[event.anchor] = node
        self._attach(node, 1)

    def _start(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _limit(
                f"nesting deeper than {MAX_DEPTH} levels",
                self.file,
                event.start_mark,
                "a scenario needs only a few levels (criteria: id: key: value)",
            )
        is_seq = isinstance(event, self.yaml.events.SequenceStartEvent)
        cls = self.yaml.SequenceNode if is_seq else self.yaml.MappingNode
        tag = self._tag(cls, event, None)
        node = cls(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
        if event.anchor:
            self.anchors[event.anchor] = node
        self.stack.append([node, None, 1, {}])

    def _end(self, event: Any) -> None:
        node, _, size, _ = self.stack.pop()
        node.end_mark = event.end_mark
        node._siting_size = size
        self._attach(node, size)

    def _attach(self, node: Any, size: int) -> None:
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame[2] += size
        if frame[2] > MAX_NODES:
            raise _limit(
                f"the document is too large once aliases are expanded (over {MAX_NODES:,} values)",
                self.file,
                node.start_mark,
                "write the values out, or use fewer '*alias' references",
            )
        parent = frame[0]
        if isinstance(parent, self.yaml.SequenceNode):
            parent.value.append(node)
        elif frame[1] is None:
            frame[1] = node
        else:
            self._check_duplicate(frame[1], frame[3])
            parent.value.append((frame[1], node))
            frame[1] = None

    def _check_duplicate(self, key: Any, seen: dict[str, int]) -> None:
        text = _key_text(key)
        if text is None or text == "<<":
            return
        line = key.start_mark.line + 1
        if text in seen:
            raise SitingError(
                f"duplicate key {text!r} (first at line {seen[text]}, again at line {line})",
                file=self.file,
                line=line,
                key=str(text),
                fix="keep one of them: YAML would silently use the last",
            )
        seen[text] = line


def _walk(root: Any, lines: dict[KeyPath, int]) -> None:
    """Record the line of every key path, without descending into a node twice (aliases)."""
    import yaml

    seen: set[int] = set()
    todo: list[tuple[Any, KeyPath]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = (*path, key_node.value)
                lines.setdefault(sub, key_node.start_mark.line + 1)
                todo.append((value_node, sub))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = (*path, i)
                lines.setdefault(sub, item.start_mark.line + 1)
                todo.append((item, sub))


def load_yaml_text(text: str, file: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML text; return the data and a map from key paths to 1-based line numbers."""
    import yaml

    if len(text) > MAX_BYTES:
        raise SitingError(
            f"file is too large for a YAML file of this tool ({len(text):,} characters, the "
            f"limit is {MAX_BYTES:,})",
            file=file,
            fix="check that this is the file you meant",
        )
    loader = _loader_class()(text)
    try:
        node = _Composer(loader, file).compose()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "syntax error"
        raise SitingError(
            f"YAML syntax error: {problem}",
            file=file,
            line=(mark.line + 1) if mark else None,
            fix="check indentation and that every 'key: value' pair has a space after the colon",
        ) from exc
    except yaml.YAMLError as exc:
        raise SitingError(f"YAML error: {exc}", file=file) from exc
    except RecursionError as exc:  # pragma: no cover - MAX_DEPTH keeps nesting shallow
        raise SitingError(f"nesting too deep (over {MAX_DEPTH} levels)", file=file) from exc
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, lines)
    return data, lines


def load_yaml_file(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SitingError(
                f"file is too large for a YAML file of this tool ({size:,} bytes, the limit is "
                f"{MAX_BYTES:,})",
                file=str(path),
                fix="check that this is the file you meant",
            )
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SitingError("file not found", file=str(path), fix="check the path") from exc
    except IsADirectoryError as exc:
        raise SitingError("is a folder, not a YAML file", file=str(path)) from exc
    except OSError as exc:
        raise SitingError(f"cannot read the file ({exc.strerror})", file=str(path)) from exc
    return load_yaml_text(decode_text(raw, str(path)), str(path))


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped); a binary or otherwise encoded file is a clean error."""
    if b"\x00" in raw[:65536]:
        hint = " (UTF-16?)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise SitingError(
            f"file is binary or not UTF-8 text{hint}",
            file=file,
            fix="save it as UTF-8 text (e.g. iconv -f UTF-16 -t UTF-8)",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SitingError(
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            file=file,
            line=line,
            fix="save it as UTF-8 (e.g. iconv -f CP949 -t UTF-8 in.csv > out.csv)",
        ) from exc


def line_of(lines: dict[KeyPath, int], loc: KeyPath) -> int | None:
    """The line of the deepest known prefix of ``loc``."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None
