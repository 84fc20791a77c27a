"""Chart geometry for the statistics page: plain numbers in, SVG coordinates out.

The templates only draw what these functions compute, so the scaling and binning are tested
here without rendering anything.
"""

from dataclasses import dataclass
from numbers import Real

# Both colours reach well over 3:1 against white (WCAG 2.1 AA for graphics): the portal's
# navy 11:1 and a burnt orange 6:1, told apart by people with the common colour blindnesses.
PRIMARY = "#0b3d6b"
SECONDARY = "#a84300"

WIDTH = 640  # the SVG's viewBox width; the browser scales it to the column
ROW_HEIGHT = 40  # a label line above each bar, so long (Russian) names never collide
BAR_HEIGHT = 14
VALUE_ROOM = 80  # right of the longest bar, for its value ("12 / 15")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int | None  # drawn as an outlined track behind the bar (assigned vs submitted)
    text: str  # the number written beside the bar
    label_y: int
    bar_y: int
    length: float
    track_length: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT


def scale(value: Real, maximum: Real, length: float) -> float:
    """`value` as a share of `length`, where `maximum` fills it; 0 when there is nothing."""
    if maximum <= 0 or value <= 0:
        return 0.0
    return round(float(length) * float(value) / float(maximum), 1)


def bar_chart(items: list[tuple[str, int]] | list[tuple[str, int, int]]) -> BarChart:
    """Horizontal bars for (label, value) or (label, value, total) items, in the given order."""
    maximum = max((item[-1] for item in items), default=0)
    room = WIDTH - VALUE_ROOM
    bars = []
    for row, item in enumerate(items):
        label, value = item[0], item[1]
        total = item[2] if len(item) == 3 else None
        top = row * ROW_HEIGHT
        bars.append(Bar(label=label, value=value, total=total,
                        text=f"{value} / {total}" if total is not None else str(value),
                        label_y=top + 14, bar_y=top + 20,
                        length=scale(value, maximum, room),
                        track_length=scale(total or 0, maximum, room)))
    return BarChart(bars=bars, width=WIDTH, height=max(len(bars), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class Bin:
    low: int
    high: int  # exclusive, except for the last bin, which holds `high` itself (100 points)
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


def histogram(values: list[Real], *, low: int = 0, high: int = 100, width: int = 10) -> list[Bin]:
    """Counts of values in [low, low+width), [low+width, low+2·width) ... [high-width, high].

    A normalized score may fall a little outside the scale: it is counted in the nearest end
    bin, so that both series of the page count the same applications.
    """
    edges = list(range(low, high, width))
    counts = [0] * len(edges)
    for value in values:
        index = int((value - low) // width)
        counts[max(0, min(index, len(edges) - 1))] += 1
    return [Bin(edge, min(edge + width, high), count) for edge, count in zip(edges, counts, strict=True)]


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    count: int
    series: int  # 0, 1, ...: which colour


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    label_x: float
    columns: list[Column]


@dataclass(frozen=True)
class ColumnChart:
    groups: list[ColumnGroup]
    width: int
    height: int
    plot_top: int
    baseline: float  # y of the axis
    maximum: int
    column_width: float


def column_chart(series: list[list[Bin]], *, plot_height: int = 200) -> ColumnChart:
    """Grouped vertical columns: one group per bin, one column per series in each group."""
    bins = series[0] if series else []
    maximum = max((b.count for one in series for b in one), default=0)
    top, left = 20, 10
    group_width = (WIDTH - 2 * left) / max(len(bins), 1)
    column_width = round(group_width * 0.8 / max(len(series), 1), 1)
    baseline = top + plot_height
    groups = []
    for index, bin_ in enumerate(bins):
        start = left + index * group_width + group_width * 0.1
        columns = []
        for number, one in enumerate(series):
            count = one[index].count
            height = scale(count, maximum, plot_height)
            columns.append(Column(x=round(start + number * column_width, 1),
                                  y=round(baseline - height, 1), height=height, count=count,
                                  series=number))
        groups.append(ColumnGroup(label=bin_.label,
                                  label_x=round(left + (index + 0.5) * group_width, 1),
                                  columns=columns))
    return ColumnChart(groups=groups, width=WIDTH, height=baseline + 24, plot_top=top,
                       baseline=baseline, maximum=maximum, column_width=column_width)
