"""Rendering of the map model: Jinja2 templates (``siting/_assets/templates/map``, autoescape
on) for the page's own HTML, and folium for the map, through its extension points: the page
is a folium ``Figure`` with its own template, Leaflet is inlined by emptying the map's
``default_js``/``default_css`` and adding the vendored files to the page head, every element
has a fixed ``_id``, and a ``MacroElement`` hands the map objects to the page's script.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from importlib import resources
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from siting import _runtime
from siting._errors import SitingError
from siting.data.cache import cache_dir
from siting.data.cache import enabled as cache_enabled
from siting.outputs.maps.model import Page
from siting.outputs.maps.style import NO_DATA_FILL, json_for_script

if TYPE_CHECKING:
    import jinja2

__all__ = ["LEAFLET_VERSION", "asset_text", "render_page", "templates"]

LEAFLET_VERSION = "1.9.3"
# templates whose line breaks are part of the output; the others are compacted when loaded
_KEEP_LINES = frozenset({"figure.html", "head.html", "scripts.html", "body.html", "boot.js"})


@cache
def asset_text(name: str) -> str:
    return resources.files("siting").joinpath("_assets", name).read_text(encoding="utf-8")


@cache
def _asset_bytes(name: str) -> bytes:
    return resources.files("siting").joinpath("_assets", name).read_bytes()


def _script_text(name: str) -> str:
    """A vendored or own script, checked to be inlinable."""
    body = asset_text(name)
    if "</script" in body.lower():
        raise SitingError(f"{name} contains '</script' and cannot be inlined")
    return body


@cache
def _leaflet_css() -> str:
    """leaflet.css with its images as data: URIs (and the IE-only VML behaviour dropped)."""
    css = asset_text("leaflet/leaflet.css")

    def repl(m: re.Match[str]) -> str:
        data = base64.b64encode(_asset_bytes("leaflet/" + m.group(1))).decode()
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)
    return css.replace("behavior: url(#default#VML);", "")


@cache
def _leaflet_js() -> str:
    js = _script_text("leaflet/leaflet.js")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)


def _bytecode_cache(jinja2: Any) -> Any:
    """Compiled templates kept in the cache folder (checked against the source's checksum
    and the Python and Jinja versions by Jinja), unless the cache is off."""
    if not cache_enabled():
        return None
    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder), "siting-map-%s.cache")


@cache
def templates() -> jinja2.Environment:
    """The map's Jinja2 environment (autoescape on; partials compacted, see _KEEP_LINES)."""
    import jinja2

    class Loader(jinja2.BaseLoader):
        def get_source(self, environment: Any, name: str) -> tuple[str, str, Any]:
            path = f"templates/map/{name}"
            try:
                src = asset_text(path)
            except FileNotFoundError as exc:
                raise jinja2.TemplateNotFound(name) from exc
            if name not in _KEEP_LINES:
                src = "".join(line.strip() for line in src.splitlines())
            return src, path, lambda: True

    return jinja2.Environment(
        loader=Loader(),
        bytecode_cache=_bytecode_cache(jinja2),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def layer_name(text: str, dots: Any = ()) -> str:
    """A layer's label in Leaflet's layer control (HTML there), escaped by the template.
    Braces become character references too: folium compiles the script it renders as a
    template once more (``Element(script(...))``), so '{{ }}' in a name would be evaluated."""
    html = str(templates().get_template("common.html").module.layer_name(text, dots))
    return html.replace("{", "&#123;").replace("}", "&#125;")


_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
)


def _compile_settings(jinja2: Any, env: Any) -> tuple[Any, ...]:
    """What the code compiled from a source depends on besides the source (a callable
    setting has its address in the repr, so such an environment never reuses an entry)."""
    kind = f"{type(env).__module__}.{type(env).__qualname__}"
    own = tuple(getattr(env, name) for name in _SETTINGS)
    return (jinja2.__version__, kind, own, tuple(sorted(env.extensions)))


@contextmanager
def _compiled_from_cache() -> Iterator[None]:
    """While in the block, templates made from a string (``jinja2.Template(source)``, as folium
    and branca make some 76 at import) are compiled once and then loaded from the templates'
    bytecode cache (Jinja's own, checked against the source's checksum and the Python version;
    keyed by the source, the Jinja version and the environment's settings); the same code
    objects Jinja would compile. Nothing changes without a cache."""
    import jinja2

    bcc = _bytecode_cache(jinja2)
    if bcc is None:
        yield
        return
    original = jinja2.Environment.compile

    def compile(self: Any, source: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str):
            return original(self, source, *args, **kwargs)
        settings = repr(_compile_settings(jinja2, self))
        key = hashlib.sha256(f"{settings}\0{source}".encode()).hexdigest()
        bucket = bcc.get_bucket(self, f"string:{key}", None, source)
        if bucket.code is None:
            bucket.code = original(self, source)
            bcc.set_bucket(bucket)
        return bucket.code

    jinja2.Environment.compile = compile  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Environment.compile = original  # type: ignore[method-assign]


class _Deferred(types.ModuleType):
    """Stands in for a module while folium is imported: the real module is imported on first
    attribute access (folium uses ``requests`` only to fetch a GeoJSON given as an URL)."""

    def __getattr__(self, attr: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # used while folium is being imported
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@contextmanager
def _lighter_imports() -> Iterator[None]:
    """pandas absent and ``requests`` deferred while folium is imported: folium imports pandas
    only to accept DataFrames (``try: import pandas except ImportError``), which the map never
    passes, and pandas is a third of folium's import time; ``requests`` (with urllib3 and ssl)
    costs ~40 ms and is not needed for the map. Modules already loaded stay as they are."""
    stand_ins = {
        name: stub
        for name, stub in (("pandas", None), ("requests", _Deferred("requests")))
        if name not in sys.modules
    }
    sys.modules.update(stand_ins)  # type: ignore[arg-type]  # None makes `import pandas` fail
    try:
        yield
    finally:
        for name, stub in stand_ins.items():
            if name in sys.modules and sys.modules[name] is stub:
                del sys.modules[name]


def _import_folium() -> Any:
    """folium, imported with :func:`_lighter_imports` and its templates from the bytecode
    cache (:func:`_compiled_from_cache`)."""
    if "folium" not in sys.modules:
        # hiding pandas from folium would change folium for the rest of a notebook's session:
        # only the command line, which owns its interpreter, does it
        lighter = _lighter_imports() if _runtime.owns_interpreter else nullcontext()
        with _compiled_from_cache(), lighter:
            import folium
    import folium

    return folium


@cache
def _folium_types() -> SimpleNamespace:
    """folium subclasses for the page, made on first use (folium is imported lazily)."""
    folium = _import_folium()
    import jinja2
    from branca.element import Element, Figure, MacroElement

    env = templates()

    class Html(Element):  # already rendered HTML (never compiled as a template)
        _template = jinja2.Template("{{ this.content }}")

        def __init__(self, content: str) -> None:
            super().__init__()
            self.content = content

    class PageFigure(Figure):
        _template = env.get_template("figure.html")

        def __init__(self, lang: str, title: str, scripts: Any) -> None:
            super().__init__()
            self.lang, self.title, self.scripts = lang, title, scripts

    class Boot(MacroElement):
        _template = env.get_template("boot.js")

        def __init__(self, **objects: Any) -> None:
            super().__init__()
            self._name = "SitingBoot"
            self._id = "boot"
            for k, v in objects.items():
                setattr(self, k, v)

    return SimpleNamespace(folium=folium, Html=Html, PageFigure=PageFigure, Boot=Boot)


def _scripts(page: Page) -> Any:
    import markupsafe

    whatif = page.whatif
    return markupsafe.Markup(
        templates()
        .get_template("scripts.html")
        .render(
            config=markupsafe.Markup(json_for_script(page.config)),
            whatif=markupsafe.Markup(whatif[0]) if whatif else "",
            whatif_ui=markupsafe.Markup(json_for_script(whatif[1])) if whatif else "",
            whatif_js=markupsafe.Markup(_script_text("siting-whatif.js")),
            map_whatif_js=markupsafe.Markup(_script_text("siting-map-whatif.js")),
            map_js=markupsafe.Markup(_script_text("siting-map.js")),
        )
    )


def render_page(page: Page, m: Any, groups: dict[str, Any]) -> str:
    """The whole HTML page: ``m`` is the folium map, ``groups`` its layer groups (``layers``,
    ``labels``, ``facilities``, ``control``), handed to the page's script."""
    import markupsafe

    ft = _folium_types()
    env = templates()
    m.default_js = []  # Leaflet comes inlined in the head, nothing from a CDN
    m.default_css = []
    ft.Boot(**groups).add_to(m)
    fig = ft.PageFigure(page.lang, page.title, _scripts(page))
    fig.add_child(m)
    head = env.get_template("head.html").render(
        version=page.version,
        css=markupsafe.Markup(asset_text("siting-map.css")),
        leaflet_version=LEAFLET_VERSION,
        leaflet_js=markupsafe.Markup(_leaflet_js()),
        leaflet_css=markupsafe.Markup(_leaflet_css()),
    )
    fig.header.add_child(ft.Html(head), name="siting_head")
    body = env.get_template("body.html").render(
        page=page, no_data=NO_DATA_FILL, leaflet_version=LEAFLET_VERSION
    )
    fig.html.add_child(ft.Html(body), name="siting_body")
    return fig.render()
