"""Small pictures drawn on the server as inline SVG: a resource's neighbourhood and a
position map. No script, no external tiles or fonts; every text is escaped here."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 720
HEIGHT = 420


@dataclass(frozen=True)
class Node:
    href: str
    label: str
    iri: str


@dataclass(frozen=True)
class Edge:
    """A link between the centre and one neighbour; ``outgoing`` says its direction."""

    neighbour: Node
    predicate_label: str
    outgoing: bool


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neighbourhood_svg(centre: Node, edges: list[Edge], total: int, caption: str) -> str:
    """The centre in the middle, its neighbours on an ellipse, one line per link.

    ``edges`` is already cut to what fits; ``total`` and ``caption`` say how many there
    are in all, so the picture never hides that it is partial.
    """
    cx, cy = WIDTH / 2, HEIGHT / 2 - 10
    rx, ry = WIDTH / 2 - 175, HEIGHT / 2 - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(caption)}">',
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" "
        "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker></defs>",
    ]
    placed = []
    count = max(len(edges), 1)
    for index, edge in enumerate(edges):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        placed.append((edge, x, y, angle))
    for edge, x, y, _ in placed:
        # shorten the line so the arrow head stops at the node's circle
        dx, dy = x - cx, y - cy
        length = math.hypot(dx, dy) or 1
        sx, sy = cx + dx * 14 / length, cy + dy * 14 / length
        ex, ey = x - dx * 8 / length, y - dy * 8 / length
        if not edge.outgoing:
            sx, sy, ex, ey = ex, ey, sx, sy
        css = "out" if edge.outgoing else "in"
        parts.append(
            f'<line class="edge {css}" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
            f'marker-end="url(#arrow)"><title>{escape(edge.predicate_label)}</title></line>'
        )
        if len(placed) <= 12:  # beyond that the labels would collide; each line keeps its <title>
            mx, my = cx + (x - cx) * 0.58, cy + (y - cy) * 0.58
            parts.append(f'<text class="edge-label" x="{mx:.1f}" y="{my:.1f}">'
                         f"{escape(_short(edge.predicate_label, 18))}</text>")
    for edge, x, y, angle in placed:
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        lx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (18 if math.sin(angle) > 0 else -10))
        node = edge.neighbour
        parts.append(
            f'<a href="{escape(node.href)}"><circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="7">'
            f"<title>{escape(node.label)} — {escape(node.iri)}</title></circle>"
            f'<text class="node-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">'
            f"{escape(_short(node.label, 20))}</text></a>"
        )
    parts.append(f'<circle class="centre" cx="{cx:.1f}" cy="{cy:.1f}" r="12"><title>{escape(centre.label)}</title>'
                 "</circle>")
    parts.append(f'<text class="centre-label" x="{cx:.1f}" y="{cy + 30:.1f}" text-anchor="middle">'
                 f"{escape(_short(centre.label, 30))}</text>")
    parts.append(f'<text class="caption" x="8" y="{HEIGHT - 8}">{escape(caption)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Place:
    href: str
    label: str
    lat: float
    long: float
    central: bool = False


def position_svg(places: list[Place], caption: str) -> str:
    """A regional frame around the places (graticule with degrees), dots with names, and
    a world locator in the corner showing where the frame lies."""
    width, height = 560, 340
    lats = [p.lat for p in places]
    longs = [p.long for p in places]
    pad = 2.0
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(longs) - pad, max(longs) + pad
    # keep the frame's aspect ratio close to the drawing's (equirectangular, scaled by cos(lat))
    mid_lat = math.radians((north + south) / 2)
    span_x = (east - west) * max(math.cos(mid_lat), 0.2)
    span_y = north - south
    if span_x / span_y < width / height:
        grow = (span_y * width / height - span_x) / max(math.cos(mid_lat), 0.2) / 2
        west, east = west - grow, east + grow
    else:
        grow = (span_x * height / width - span_y) / 2
        south, north = south - grow, north + grow

    def xy(lat: float, long: float) -> tuple[float, float]:
        return (long - west) / (east - west) * width, (north - lat) / (north - south) * height

    step = _grid_step(north - south)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="position" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(caption)}"><rect class="sea" width="{width}" height="{height}"/>']
    for lat in _ticks(south, north, step):
        _, y = xy(lat, west)
        parts.append(f'<line class="grid" x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="grid-label" x="3" y="{y - 2:.1f}">{_degrees(lat, "N", "S")}</text>')
    for long in _ticks(west, east, step):
        x, _ = xy(south, long)
        parts.append(f'<line class="grid" y1="0" y2="{height}" x1="{x:.1f}" x2="{x:.1f}"/>'
                     f'<text class="grid-label" x="{x + 2:.1f}" y="{height - 3}">{_degrees(long, "E", "W")}</text>')
    for place in sorted(places, key=lambda p: p.central):
        x, y = xy(place.lat, place.long)
        css = "place central" if place.central else "place"
        parts.append(f'<a href="{escape(place.href)}"><circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" '
                     f'r="{7 if place.central else 5}"><title>{escape(place.label)} ({place.lat:.4f}, '
                     f'{place.long:.4f})</title></circle><text class="place-label" x="{x + 9:.1f}" y="{y + 4:.1f}">'
                     f"{escape(_short(place.label, 26))}</text></a>")
    parts.append(_locator(width, west, east, south, north))
    parts.append("</svg>")
    return "".join(parts)


def _locator(width: int, west: float, east: float, south: float, north: float) -> str:
    """A 120×60 world rectangle with a graticule and the regional frame drawn in it."""
    w, h, left, top = 120, 60, width - 126, 6
    x1 = left + (max(west, -180) + 180) / 360 * w
    x2 = left + (min(east, 180) + 180) / 360 * w
    y1 = top + (90 - min(north, 90)) / 180 * h
    y2 = top + (90 - max(south, -90)) / 180 * h
    lines = "".join(f'<line class="grid" x1="{left + i * w / 6:.1f}" x2="{left + i * w / 6:.1f}" y1="{top}" '
                    f'y2="{top + h}"/>' for i in range(1, 6))
    lines += "".join(f'<line class="grid" x1="{left}" x2="{left + w}" y1="{top + i * h / 6:.1f}" '
                     f'y2="{top + i * h / 6:.1f}"/>' for i in range(1, 6))
    return (f'<g class="locator"><rect class="world" x="{left}" y="{top}" width="{w}" height="{h}"/>{lines}'
            f'<rect class="frame" x="{x1:.1f}" y="{y1:.1f}" width="{max(x2 - x1, 2):.1f}" '
            f'height="{max(y2 - y1, 2):.1f}"/></g>')


def _grid_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 15, 30):
        if span / step <= 8:
            return step
    return 45


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step) * step
    count = int((high - first) / step) + 1
    return [first + i * step for i in range(max(count, 0))]


def _degrees(value: float, positive: str, negative: str) -> str:
    suffix = positive if value >= 0 else negative
    return f"{abs(value):g}°{suffix}"
