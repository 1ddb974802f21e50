"""Offline map assets: Leaflet, Leaflet.markercluster and Leaflet.heat from installed pip packages.

* Leaflet 1.9.3 from ``xstatic-leaflet``, Leaflet.markercluster 1.4.1 from
  ``xstatic-leaflet-markercluster`` (files found through each package's ``BASE_DIR``);
* Leaflet.heat from inside the ``folium`` package (``folium/templates/leaflet_heat.min.js``,
  the copy folium itself links to on a CDN);
* the project's own map tools (``layers/js/bw-tools.js``: labels, search, click-to-list,
  measure, draw-to-filter), written for borderwatch.

:func:`ensure_static` copies them into ``<root>/static/map/`` (git-ignored; Streamlit serves
``static/`` at ``/app/static`` with ``enableStaticServing``), :func:`asset_urls` gives their
URLs under a base, and :func:`inline_text` returns a file's text for the standalone HTML,
with the CSS images turned into ``data:`` URIs. Nothing here runs at import time.
"""
from __future__ import annotations

import base64
import importlib
import os
import re
import tempfile
from pathlib import Path

#: key -> (source, file name inside the source, path under static/map/)
ASSETS: dict[str, tuple[str, str, str]] = {
    "leaflet_js": ("leaflet", "leaflet.js", "leaflet/leaflet.js"),
    "leaflet_css": ("leaflet", "leaflet.css", "leaflet/leaflet.css"),
    "markercluster_js": ("markercluster", "leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"),
    "markercluster_css": ("markercluster", "MarkerCluster.css", "markercluster/MarkerCluster.css"),
    "markercluster_default_css": ("markercluster", "MarkerCluster.Default.css",
                                  "markercluster/MarkerCluster.Default.css"),
    "heat_js": ("folium", "templates/leaflet_heat.min.js", "heat/leaflet-heat.js"),
    "tools_js": ("borderwatch", "bw-tools.js", "borderwatch/bw-tools.js"),
}
IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")
_PACKAGES = {"leaflet": "xstatic.pkg.leaflet", "markercluster": "xstatic.pkg.leaflet_markercluster"}
SUBDIR = "map"
REPO_ROOT = Path(__file__).resolve().parents[1]


def source_dir(source: str) -> Path:
    """Folder holding a source's files (the xstatic ``BASE_DIR``, or folium's package folder)."""
    if source == "folium":
        import folium
        return Path(folium.__file__).resolve().parent
    if source == "borderwatch":
        return Path(__file__).resolve().parent / "js"
    try:
        mod = importlib.import_module(_PACKAGES[source])
    except KeyError:
        valid = ", ".join(["folium", "borderwatch", *_PACKAGES])
        raise ValueError(f"unknown asset source {source!r}; valid: {valid}") from None
    return Path(mod.BASE_DIR)


def source_path(key: str) -> Path:
    """The installed file behind asset ``key`` (see :data:`ASSETS`)."""
    if key not in ASSETS:
        raise ValueError(f"unknown asset {key!r}; valid: {', '.join(ASSETS)}")
    source, name, _ = ASSETS[key]
    path = source_dir(source) / name
    if not path.is_file():
        raise FileNotFoundError(f"asset {key}: {path} is missing; reinstall the pinned packages")
    return path


def _files() -> dict[str, Path]:
    """Relative target path -> installed source file, for every asset and Leaflet image."""
    out = {ASSETS[k][2]: source_path(k) for k in ASSETS}
    images = source_dir("leaflet") / "images"
    out.update({f"leaflet/images/{n}": images / n for n in IMAGES})
    return out


def _copy_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(src.read_bytes())
        os.chmod(tmp, 0o644)          # mkstemp makes 0600; the web server may run as another user
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_static(root: str | Path | None = None) -> Path:
    """Copy the map assets into ``<root>/static/map/`` when missing or different; return that folder.

    ``root`` is the folder of the app script (default: the repository root). Safe to call on
    every start and from several processes: files are replaced atomically.
    """
    target = Path(root or REPO_ROOT) / "static" / SUBDIR
    for rel, src in _files().items():
        dst = target / rel
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size or dst.read_bytes() != src.read_bytes():
            _copy_atomic(src, dst)
    return target


def asset_urls(base: str = "/app/static") -> dict[str, str]:
    """URL of every asset under ``base`` (plus ``images``, the folder for ``L.Icon.Default.imagePath``)."""
    b = base.rstrip("/") + "/" + SUBDIR
    urls = {k: f"{b}/{ASSETS[k][2]}" for k in ASSETS}
    urls["images"] = f"{b}/leaflet/images/"
    return urls


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def inline_text(key: str) -> str:
    """Text of asset ``key`` for inlining; ``url(images/x.png)`` in Leaflet's CSS becomes a data URI."""
    text = source_path(key).read_text(encoding="utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+", "", text)
    if key == "leaflet_css":
        images = source_dir("leaflet") / "images"
        text = re.sub(r"url\((['\"]?)images/([\w.-]+)\1\)",
                      lambda m: f'url("{_data_uri(images / m.group(2))}")', text)
    return text


def icon_data() -> dict[str, str]:
    """Base64 of Leaflet's default marker images, for ``L.Icon.Default`` in the standalone file."""
    images = source_dir("leaflet") / "images"
    return {name: base64.b64encode((images / f"{name}.png").read_bytes()).decode("ascii")
            for name in ("marker-icon", "marker-icon-2x", "marker-shadow")}
