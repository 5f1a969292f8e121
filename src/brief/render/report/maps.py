"""Stakeholder maps: the usual picture of a stakeholder analysis, one per issue of a brief where power is given.

Each actor is a disc: across, its stance, from strong opposition (left) to strong support (right); up, its power
(0–100); its area, the issue's salience to it (0–100; a hollow ring of the smallest size when not given). The axes
are the data, so there is no layout to compute beyond the labels: discs of one stance that would overlap are
spread across the stance's band, and labels that would collide are moved down until they do not. Actors that
cannot be placed (stance unknown, or no power given) are listed under the map instead of being dropped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from brief.base.vocabulary import STANCE_BY_VALUE, STANCE_SCALE
from brief.render.palette import stance_colours

WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 56  # margins: the power axis, the stance axis
PLACED = tuple(stance.value for stance in STANCE_SCALE if stance.side != "unknown")  # left to right: support first
MIN_R, MAX_R = 5.0, 22.0
LABEL_HEIGHT = 13.0
CHARACTER = 6.2  # the width of a label character at the map's font size, near enough to avoid collisions
LABEL_CHARACTERS = 28


@dataclass(slots=True)
class Disc:
    actor: str
    stance: str
    power: float
    salience: float | None
    cx: float = 0.0
    cy: float = 0.0
    r: float = 0.0
    fill: str = ""
    label: str = ""  # the name, shortened to fit
    lx: float = 0.0
    ly: float = 0.0
    anchor: str = "start"

    @property
    def title(self) -> str:
        salience = f", salience {_number(self.salience)}" if self.salience is not None else ", salience not given"
        return f"{self.actor}: {self.stance.replace('-', ' ')}, power {_number(self.power)}{salience}"


@dataclass(slots=True)
class StakeholderMap:
    issue: str
    statement: str
    discs: list[Disc]
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (actor, why)
    bands: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, width, stance symbol, words
    ticks: list[tuple[float, str]] = field(default_factory=list)  # y, power value
    width: int = WIDTH
    height: int = HEIGHT


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _x(column: int) -> float:
    band = (WIDTH - LEFT - RIGHT) / len(PLACED)
    return LEFT + band * (len(PLACED) - 1 - column) + band / 2  # opposition on the left, support on the right


def _y(power: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(max(power, 0.0), 100.0) / 100)


def _radius(salience: float | None) -> float:
    if salience is None:
        return MIN_R
    share = min(max(salience, 0.0), 100.0) / 100
    return MIN_R + (MAX_R - MIN_R) * math.sqrt(share)  # area grows with salience


def stakeholder_map(issue: str, statement: str, entries: Sequence[tuple[str, str, float | None, float | None]]) -> (
        StakeholderMap | None):  # fmt: skip
    """The map of one issue from (actor name, stance, power, salience) entries; None when no actor can be placed
    (no power given, or every stance unknown)."""
    discs: list[Disc] = []
    unplaced: list[tuple[str, str]] = []
    for actor, stance, power, salience in entries:
        if stance not in PLACED:
            unplaced.append((actor, "stance unknown" if stance == "unknown" else f"stance {stance!r}"))
        elif power is None:
            unplaced.append((actor, "no power given"))
        else:
            discs.append(Disc(actor, stance, float(power), None if salience is None else float(salience)))
    if not discs:
        return None
    band = (WIDTH - LEFT - RIGHT) / len(PLACED)
    for column, stance in enumerate(PLACED):
        mine = sorted((d for d in discs if d.stance == stance), key=lambda d: (-d.power, d.actor))
        # spread the discs of one stance across its band, most powerful first, so close powers do not overlap
        spread = min(band * 0.7, 18.0 * max(len(mine) - 1, 0))
        for n, disc in enumerate(mine):
            offset = (n / (len(mine) - 1) - 0.5) * spread if len(mine) > 1 else 0.0
            disc.cx = _x(column) + offset
            disc.cy = _y(disc.power)
            disc.r = _radius(disc.salience)
            disc.fill = stance_colours(stance)[0]
    _place_labels(discs)
    bands = [(LEFT + band * (len(PLACED) - 1 - column), band, STANCE_BY_VALUE[stance].symbol,
              STANCE_BY_VALUE[stance].words) for column, stance in enumerate(PLACED)]  # fmt: skip
    ticks = [(_y(value), str(value)) for value in (0, 25, 50, 75, 100)]
    return StakeholderMap(issue, statement, discs, unplaced, bands, ticks)


def _place_labels(discs: list[Disc]) -> None:
    """Each label beside its disc (right of it, or left near the right edge); a label that would overlap one
    already placed moves down a line at a time, within the plot."""
    taken: list[tuple[float, float, float, float]] = []
    for disc in sorted(discs, key=lambda d: (d.cy, d.cx)):
        name = disc.actor if len(disc.actor) <= LABEL_CHARACTERS else disc.actor[: LABEL_CHARACTERS - 1] + "…"
        disc.label = name
        width = len(name) * CHARACTER
        right = disc.cx + disc.r + 3 + width <= WIDTH - 2
        disc.anchor = "start" if right else "end"
        x0 = disc.cx + disc.r + 3 if right else disc.cx - disc.r - 3 - width
        y = disc.cy + 4
        for _ in range(40):
            box = (x0, y - LABEL_HEIGHT + 3, x0 + width, y + 3)
            if not any(_overlap(box, other) for other in taken) or y > HEIGHT - BOTTOM + 10:
                break
            y += LABEL_HEIGHT
        taken.append((x0, y - LABEL_HEIGHT + 3, x0 + width, y + 3))
        disc.lx = x0 if right else x0 + width
        disc.ly = y


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
