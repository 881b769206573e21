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


def _compose(loader: Any, file: str) -> Any:
    """Build the node graph of a single-document stream from parser events, with limits."""
    import yaml
    from yaml import events as ev

    loader.get_event()  # StreamStart
    if loader.check_event(ev.StreamEndEvent):
        loader.get_event()
        return None
    loader.get_event()  # DocumentStart
    anchors: dict[str, Any] = {}
    # each frame: [node, pending key node or None, expanded size, {key: line}]
    stack: list[list[Any]] = []
    root: Any = None
    aliases = 0

    def attach(node: Any, size: int) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        frame = stack[-1]
        frame[2] += size
        if frame[2] > MAX_NODES:
            raise _limit(
                f"the document is too large once aliases are expanded (over {MAX_NODES:,} values)",
                file,
                node.start_mark,
                "write the values out, or use fewer '*alias' references",
            )
        parent = frame[0]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif frame[1] is None:
            frame[1] = node
        else:
            key = frame[1]
            text = _key_text(key)
            if text is not None and text != "<<":
                seen: dict[str, int] = frame[3]
                line = key.start_mark.line + 1
                if text in seen:
                    raise SitingError(
                        f"duplicate key {text!r} (first at line {seen[text]}, again at line "
                        f"{line})",
                        file=file,
                        line=line,
                        key=str(text),
                        fix="keep one of them: YAML would silently use the last",
                    )
                seen[text] = line
            parent.value.append((key, node))
            frame[1] = None

    while True:
        event = loader.get_event()
        if isinstance(event, ev.DocumentEndEvent):
            break
        if isinstance(event, ev.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _limit(
                    f"too many aliases (more than {MAX_ALIASES})",
                    file,
                    event.start_mark,
                    "write the values out instead of referring to them with '*name'",
                )
            node = anchors.get(event.anchor)
            if node is None:
                raise _limit(
                    f"unknown alias '*{event.anchor}'",
                    file,
                    event.start_mark,
                    f"define '&{event.anchor}' before using it",
                )
            if any(frame[0] is node for frame in stack):
                raise _limit(
                    f"alias '*{event.anchor}' refers to a value that contains it",
                    file,
                    event.start_mark,
                    "remove the self-reference",
                )
            attach(node, getattr(node, "_siting_size", 1))
            continue
        if isinstance(event, ev.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(
                tag, event.value, event.start_mark, event.end_mark, style=event.style
            )
            if event.anchor:
                anchors[event.anchor] = node
            attach(node, 1)
            continue
        if isinstance(event, ev.SequenceStartEvent | ev.MappingStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _limit(
                    f"nesting deeper than {MAX_DEPTH} levels",
                    file,
                    event.start_mark,
                    "a scenario needs only a few levels (criteria: id: key: value)",
                )
            is_seq = isinstance(event, ev.SequenceStartEvent)
            cls = yaml.SequenceNode if is_seq else yaml.MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(cls, None, event.implicit)
            node = cls(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
            if event.anchor:
                anchors[event.anchor] = node
            stack.append([node, None, 1, {}])
            continue
        if isinstance(event, ev.SequenceEndEvent | ev.MappingEndEvent):
            node, _, size, _ = stack.pop()
            node.end_mark = event.end_mark
            node._siting_size = size
            attach(node, size)
            continue
    if not loader.check_event(ev.StreamEndEvent):
        extra = loader.peek_event()
        raise _limit(
            "more than one YAML document in the file",
            file,
            extra.start_mark,
            "remove the '---' separator and everything after it, or split the file",
        )
    return root


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
        node = _compose(loader, file)
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
