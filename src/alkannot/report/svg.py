"""Inline SVG figures for the reports: the ALK kinase-domain map and the VAF-over-time chart.

Every string that reaches the SVG goes through ``markupsafe.escape`` (or ``values.html_text``, its bytes as
text, in the kinase map's per-variant and per-compound loops) and every number through ``float``, so
input-derived text (sample names, variant labels from VCF INFO) can never become markup. The functions return
``Markup`` so templates embed them without ``|safe``.
"""

from __future__ import annotations

import csv
import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from alkannot.errors import InputError
from alkannot.report.values import html_text

# Drawing range of the map: the ALK "Protein kinase domain" (InterPro/UniProt, see docs/domain.md).
# It is a display window, not a rule; regions themselves come from resources/alk_regions.tsv.
MAP_START = 1116
MAP_END = 1392

REGION_COLUMNS = ("region", "start", "end", "label", "source")

# Phase is shown by line style *and* text, never colour alone.
PHASE_DASH = {"cis": "", "trans": "6 4", "unresolved": "2 3"}


@dataclass(frozen=True)
class Region:
    """A labelled stretch of the ALK protein drawn on the kinase-domain map (e.g. the kinase domain itself)."""

    region: str
    start: int
    end: int
    label: str
    source: str
    approximate: bool = False


def _f(x: float) -> str:
    """Numbers go into attributes only through here (a float cannot carry markup)."""
    return f"{float(x):.1f}"


def as_float(v) -> float | None:
    """A finite number or None (report inputs are untrusted: strings, NaN, inf all occur)."""
    if v is None:  # the usual missing value (read counts, LoDs): None without raising and catching a TypeError
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def regions_from_records(records: list[dict], *, path: str | None = None) -> list[Region]:
    """Validate region dicts (from the JSON ``alk_regions`` list or the TSV) into Regions."""
    out = []
    for i, rec in enumerate(records, start=2 if path else 1):
        try:
            start, end = int(rec["start"]), int(rec["end"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"ALK region record {i} needs integer 'start' and 'end'", path=path,
                             line=i if path else None, fix="columns: " + ", ".join(REGION_COLUMNS)) from None
        if start > end:
            raise InputError(f"ALK region '{rec.get('region')}' has start {start} > end {end}", path=path,
                             line=i if path else None, fix="swap start and end")
        approx = str(rec.get("approximate") or "").strip().lower() in ("yes", "true", "1")
        out.append(Region(str(rec.get("region") or ""), start, end,
                          str(rec.get("label") or rec.get("region") or ""), str(rec.get("source") or ""), approx))
    return sorted(out, key=lambda r: (r.start, r.end, r.region))


def load_region_tsv(path: Path) -> list[Region]:
    with open(path, newline="") as fh:
        reader = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        missing = [c for c in ("region", "start", "end") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", path=str(path), line=1,
                             fix="header must be: " + "\t".join(REGION_COLUMNS))
        return regions_from_records(list(reader), path=str(path))


def resolve_regions(data: dict, resources: Path | None = None) -> list[Region]:
    """Regions from ``data['alk_regions']`` if given, else ``<resources>/alk_regions.tsv`` if it exists."""
    recs = data.get("alk_regions")
    if recs:
        return regions_from_records(list(recs))
    if resources is None:
        from alkannot.core.resources import resources_dir

        return list(_bundled_regions(str(resources_dir())))
    tsv = Path(resources) / "alk_regions.tsv"
    return load_region_tsv(tsv) if tsv.is_file() else []


@functools.lru_cache(maxsize=8)
def _bundled_regions(resources: str) -> tuple[Region, ...]:
    """The bundled regions, read once per process for each resources folder (as the hotspots and transcript
    models are; Regions are frozen): a batch draws one map per sample."""
    tsv = Path(resources) / "alk_regions.tsv"
    return tuple(load_region_tsv(tsv)) if tsv.is_file() else ()


# ---------------------------------------------------------------------------------------------
# Kinase-domain map
# ---------------------------------------------------------------------------------------------

def _short_label(v: dict) -> str:
    return str(v.get("protein_short") or v.get("hgvsp") or v.get("hgvsc") or "?")


@dataclass(frozen=True)
class MapMarker:
    """One ALK mutation drawn on the kinase-domain map at its residue."""

    label: str
    position: int
    vaf: float | None
    resistance: bool


def map_markers(variants: list[dict], alk_mutations: list[str]) -> tuple[list[MapMarker], list[str]]:
    """ALK protein changes to draw, and the labels of ALK variants that cannot be placed on the map."""
    known = set(alk_mutations or [])
    drawn, skipped = [], []
    for v in variants or []:
        if str(v.get("gene") or "") != "ALK" or v.get("status") == "not_annotated":
            continue
        pos = as_float(v.get("protein_position"))
        label = _short_label(v)
        if pos is None or not (MAP_START <= pos <= MAP_END):
            skipped.append(label)
            continue
        drawn.append(MapMarker(label, int(pos), as_float(v.get("vaf")), label in known))
    drawn.sort(key=lambda m: (m.position, m.label))
    return drawn, skipped


def _level_for(mx: float, level_end: dict[int, float], n_chars: int) -> int:
    """First stacking level whose last label ends left of ``mx``; records this label's extent there."""
    level = next((k for k in range(6) if mx > level_end.get(k, -1e9)), 0)
    level_end[level] = mx + 7.0 * n_chars + 30
    return level


def _count_levels(xs: list[float], n_chars: list[int]) -> int:
    ends: dict[int, float] = {}
    return max((_level_for(mx, ends, n) for mx, n in zip(xs, n_chars)), default=0) + 1


def kinase_domain_map(variants: list[dict], compounds: list[dict], regions: list[Region],
                      alk_mutations: list[str] | None = None) -> Markup:
    """SVG of ALK residues 1116–1392 with regions, VAF-sized lollipops and compound-phase arcs."""
    width, left, right = 960, 40, 30
    bar_h = 22
    span = MAP_END - MAP_START

    def x(pos: float) -> float:
        return left + (min(max(pos, MAP_START), MAP_END) - MAP_START) / span * (width - left - right)

    markers, _ = map_markers(variants, alk_mutations or [])
    n_levels = _count_levels([x(m.position) for m in markers], [len(m.label) + 9 for m in markers])
    # Room for the stacked heads plus the compound arcs above them.
    bar_y = 40 + 30 * n_levels + (70 if compounds else 20)
    parts: list[str] = [
        '<title id="kmap-title">ALK kinase domain (residues 1116–1392) with observed protein changes</title>',
        (f'<rect x="{_f(x(MAP_START))}" y="{bar_y}" width="{_f(x(MAP_END) - x(MAP_START))}" height="{bar_h}" '
        'class="kbar"/>'),
    ]
    # A region spanning (nearly) the whole window is the domain itself: it names the bar, not a band.
    whole = [r for r in regions if r.start <= MAP_START + 5 and r.end >= MAP_END - 5]
    bands = [r for r in regions if r not in whole and r.end >= MAP_START and r.start <= MAP_END]
    bar_label = whole[0].label if whole else "Protein kinase domain (structural regions not loaded)"
    parts.append(f'<text x="{_f(x(MAP_END) - 6)}" y="{bar_y + 15}" class="kbar-label" text-anchor="end">'
                 f'{escape(bar_label)}</text>')
    # Region labels go in the first row where they do not overlap the previous label (greedy packing).
    row_end: list[float] = []
    for i, r in enumerate(bands):
        x0, x1 = x(r.start), x(r.end + 1 if r.end < MAP_END else r.end)
        cx = (x0 + x1) / 2
        label = ("~" if r.approximate else "") + r.label
        half = 3.1 * len(label) + 4
        row = next((k for k, end in enumerate(row_end) if cx - half > end), len(row_end))
        if row == len(row_end):
            row_end.append(0.0)
        row_end[row] = cx + half
        tip = f"{r.label} ({r.start}–{r.end})" + (" (approximate span)" if r.approximate else "") + \
            (f"; source: {r.source}" if r.source else "")
        ty = bar_y + bar_h + 16 + 14 * row
        parts.append(f'<g class="kregion kregion-{i % 6}"><title>{escape(tip)}</title>'
                     f'<rect x="{_f(x0)}" y="{bar_y}" width="{_f(max(x1 - x0, 2))}" height="{bar_h}"/>'
                     f'<line x1="{_f(cx)}" y1="{bar_y + bar_h}" x2="{_f(cx)}" y2="{ty - 10}" class="kleader"/>'
                     f'<text x="{_f(cx)}" y="{ty}" class="kregion-label">{escape(label)}</text></g>')
    height = bar_y + bar_h + 16 + 14 * max(len(row_end), 1) + 22
    # Residue ticks every 25 aa, plus the ends.
    ticks = [MAP_START] + list(range(1150, MAP_END - 10, 25)) + [MAP_END]
    for t in ticks:
        parts.append(f'<line x1="{_f(x(t))}" y1="{bar_y - 4}" x2="{_f(x(t))}" y2="{bar_y}" class="ktick"/>'
                     f'<text x="{_f(x(t))}" y="{height - 6}" class="ktick-label">{t}</text>')

    # Lollipops: heads stacked in levels so labels of nearby residues do not collide (greedy packing).
    placed: list[tuple[MapMarker, float, int, str]] = []
    level_end: dict[int, float] = {}
    for m in markers:
        mx = x(m.position)
        vaf_txt = f"{m.vaf * 100:.1f}%" if m.vaf is not None else "VAF n/a"
        level = _level_for(mx, level_end, len(m.label) + len(vaf_txt) + 3)
        placed.append((m, mx, level, vaf_txt))
    # label -> (x, y, radius, x as text, top of the head as text): the texts once per head, not once per arc
    # end (a panel sample links a dozen heads by dozens of compound arcs)
    heads: dict[str, tuple[float, float, float, str, str]] = {}
    for m, mx, level, vaf_txt in placed:
        r = 4.0 + 10.0 * math.sqrt(max(0.0, min(m.vaf, 1.0))) if m.vaf is not None else 4.0
        hy = bar_y - 40 - level * 30
        heads[m.label] = (mx, hy, r, _f(mx), _f(hy - r))
        cls = "klolli resistance" if m.resistance else "klolli"
        parts.append(f'<g class="{cls}"><title>{html_text(f"{m.label} (residue {m.position}), VAF {vaf_txt}")}'
                     f'</title><line x1="{_f(mx)}" y1="{bar_y}" x2="{_f(mx)}" y2="{_f(hy)}"/>'
                     f'<circle cx="{_f(mx)}" cy="{_f(hy)}" r="{_f(r)}"/>'
                     f'<text x="{_f(mx + r + 3)}" y="{_f(hy + 4)}">{html_text(m.label)} · {html_text(vaf_txt)}</text></g>')

    # Compound links: consecutive members joined by a curve styled (and labelled) by phase.
    for c in compounds or []:
        muts = [str(mu) for mu in c.get("mutations") or []]
        phase = str(c.get("phase") or "unresolved")
        kind = phase if phase in PHASE_DASH else "unresolved"
        dash = PHASE_DASH[kind]
        phase_txt = html_text(phase)
        for a, b in itertools.pairwise(muts):
            if a not in heads or b not in heads:
                continue
            (xa, ya, ra, xa_txt, ya_txt), (xb, yb, rb, xb_txt, yb_txt) = heads[a], heads[b]
            top = max(min(ya - ra, yb - rb) - 40 - 0.25 * abs(xb - xa), 20.0)
            # Neighbouring residues would give a needle-thin loop; widen it so the phase reads as a link.
            spread = max(0.0, 30.0 - abs(xb - xa) / 2) * (1 if xb >= xa else -1)
            top_txt = _f(top)
            parts.append(f'<g class="kphase kphase-{kind}"><title>{html_text(f"{a} + {b}: {phase}")}</title>'
                         f'<path d="M{xa_txt},{ya_txt} C{_f(xa - spread)},{top_txt} {_f(xb + spread)},{top_txt} '
                         f'{xb_txt},{yb_txt}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                         f'<text x="{_f((xa + xb) / 2)}" y="{_f(top - 2)}">{phase_txt}</text></g>')
    parts.append("</svg>")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="kmap" viewBox="0 0 {width} {height}" '
            'role="img" aria-labelledby="kmap-title">')
    return Markup(head + "".join(parts))


# ---------------------------------------------------------------------------------------------
# VAF-over-time line chart (patient timeline)
# ---------------------------------------------------------------------------------------------

# Marker shapes cycle with colours so series stay distinguishable in greyscale print.
_SHAPES = ("circle", "square", "diamond", "triangle")
_DASHES = ("", "6 3", "2 3", "8 3 2 3")


def _marker(shape: str, cx: float, cy: float, filled: bool) -> str:
    fill = "" if filled else ' fill="white"'
    if shape == "square":
        return f'<rect x="{_f(cx - 4)}" y="{_f(cy - 4)}" width="8" height="8"{fill}/>'
    if shape == "diamond":
        return f'<path d="M{_f(cx)},{_f(cy - 5)} L{_f(cx + 5)},{_f(cy)} L{_f(cx)},{_f(cy + 5)} ' \
               f'L{_f(cx - 5)},{_f(cy)} Z"{fill}/>'
    if shape == "triangle":
        return f'<path d="M{_f(cx)},{_f(cy - 5)} L{_f(cx + 5)},{_f(cy + 4)} L{_f(cx - 5)},{_f(cy + 4)} Z"{fill}/>'
    return f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="4"{fill}/>'


def dodge(ys: list[tuple[object, float]], *, min_gap: float = 9.0, step: float = 8.0) -> dict[object, float]:
    """Horizontal offsets for markers of one column whose y values are closer than ``min_gap`` pixels.

    Markers that would sit on top of each other (two alterations at the same VAF, or several "not detected"
    markers at 0%) are spread sideways around the column, in series order, so none hides another.
    """
    out: dict[object, float] = {}
    cluster: list[tuple[object, float]] = []

    def flush() -> None:
        n = len(cluster)
        for k, (key, _) in enumerate(cluster):
            out[key] = (k - (n - 1) / 2) * step if n > 1 else 0.0

    for key, y in sorted(ys, key=lambda t: t[1]):
        if cluster and y - cluster[-1][1] >= min_gap:
            flush()
            cluster = []
        cluster.append((key, y))
    if cluster:
        flush()
    return out


def vaf_timeline_chart(columns: list[dict], series: list[dict], *, chart_id: str = "tchart",
                       title: str = "Variant allele fraction of resistance-relevant alterations over time") -> Markup:
    """Line chart of VAF per alteration over the sample columns.

    ``columns``: [{label, x (0..1 relative position), therapy, specimen}];
    ``series``: [{name, points: [{col, vaf (fraction) | None, state}], colour?, style?}] where state is
    "detected", "not_detected" (drawn hollow at 0) or "not_assessed" (gap in the line). Optional integer
    ``colour`` / ``style`` pick the palette entry and the marker+dash style (default: the series index).
    """
    width, height = 960, 380
    left, right, top, bottom = 60, 170, 20, 110
    pw, ph = width - left - right, height - top - bottom
    vmax = max([p["vaf"] for s in series for p in s["points"] if p.get("vaf") is not None] + [0.05])
    ymax = math.ceil(vmax * 100 / 5) * 5 / 100  # round up to the next 5 %

    def px(rel: float) -> float:
        return left + rel * pw

    def py(v: float) -> float:
        return top + ph - (v / ymax) * ph

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="tchart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="{escape(chart_id)}-title">'),
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" class="axis"/>']
    for k in range(6):
        v = ymax * k / 5
        parts.append(f'<line x1="{left - 4}" y1="{_f(py(v))}" x2="{left + pw}" y2="{_f(py(v))}" class="grid"/>'
                     f'<text x="{left - 8}" y="{_f(py(v) + 4)}" class="ylab">{v * 100:.1f}%</text>')
    parts.append(f'<text x="14" y="{_f(top + ph / 2)}" class="ylab" '
                 f'transform="rotate(-90 14 {_f(top + ph / 2)})">VAF</text>')
    for c in columns:
        cx = px(c["x"])
        parts.append(f'<line x1="{_f(cx)}" y1="{top}" x2="{_f(cx)}" y2="{top + ph + 4}" class="grid"/>'
                     f'<text x="{_f(cx)}" y="{top + ph + 18}" class="xlab">{escape(c["label"])}</text>'
                     f'<text x="{_f(cx)}" y="{top + ph + 34}" class="xlab spec">{escape(c.get("specimen") or "")}'
                     '</text>'
                     f'<g class="therapy"><rect x="{_f(cx - 44)}" y="{top + ph + 44}" width="88" height="20" rx="3"/>'
                     f'<text x="{_f(cx)}" y="{top + ph + 58}">{escape(c.get("therapy") or "no TKI recorded")}</text>'
                     '</g>')
    parts.append(f'<text x="{left}" y="{height - 8}" class="note">'
                 'Boxes: TKI at collection (therapy line)</text>')
    def colour_of(i: int) -> int:
        return int(series[i].get("colour", i)) % 8

    label_at: list[tuple[float, int]] = []  # (wanted y, series index)
    shift: dict[object, float] = {}
    for col in range(len(columns)):
        shift.update(dodge([((i, col), py(p["vaf"] or 0.0)) for i, s in enumerate(series) for p in s["points"]
                            if p["col"] == col and p["state"] != "not_assessed"]))
    for i, s in enumerate(series):
        style = int(s.get("style", i))
        shape, dash = _SHAPES[style % len(_SHAPES)], _DASHES[style % len(_DASHES)]
        pts = sorted(s["points"], key=lambda p: columns[p["col"]]["x"])
        seg: list[tuple[float, float]] = []
        segs: list[list[tuple[float, float]]] = []
        for p in pts:
            if p["state"] == "not_assessed":
                if seg:
                    segs.append(seg)
                seg = []
                continue
            seg.append((px(columns[p["col"]]["x"]) + shift.get((i, p["col"]), 0.0), py(p["vaf"] or 0.0)))
        if seg:
            segs.append(seg)
        g = [f'<g class="series series-{colour_of(i)}"><title>{escape(s["name"])}</title>']
        for sg in segs:
            if len(sg) > 1:
                d = " ".join(f"{_f(a)},{_f(b)}" for a, b in sg)
                g.append(f'<polyline points="{d}" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")
                         + "/>")
        for p in pts:
            if p["state"] == "not_assessed":
                continue
            cx, cy = px(columns[p["col"]]["x"]) + shift.get((i, p["col"]), 0.0), py(p["vaf"] or 0.0)
            g.append(_marker(shape, cx, cy, p["state"] == "detected"))
        last = [p for p in pts if p["state"] != "not_assessed"]
        if last:
            label_at.append((py(last[-1]["vaf"] or 0.0), i))
        g.append("</g>")
        parts.extend(g)
    # Series names at the right edge, pushed apart so close end values stay legible.
    placed_y = -1e9
    for y, i in sorted(label_at):
        placed_y = max(y, placed_y + 14)
        parts.append(f'<text x="{left + pw + 8}" y="{_f(placed_y + 4)}" class="slab series-{colour_of(i)}">'
                     f'{escape(series[i]["name"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
