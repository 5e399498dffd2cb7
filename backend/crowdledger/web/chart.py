"""The funds-raised chart, drawn on the server as inline SVG: a step line of the campaign's total over time
from launch to deadline, with the goal as a dashed line. No script, no style attribute (the page's content
security policy allows neither inline)."""

from dataclasses import dataclass
from html import escape

from crowdledger.web.render import BEYOND_DATES, utc

WIDTH, HEIGHT, PAD = 600, 200, 8
AXIS = 16  # room below the baseline for the start and end dates


@dataclass(frozen=True)
class Chart:
    svg: str  # markup, every text escaped
    points: int


def _day(timestamp: int) -> str:
    moment = utc(timestamp)
    return moment.strftime("%Y-%m-%d") if moment is not None else BEYOND_DATES


def raised_chart(
    history: list[tuple[int, int]], start: int, end: int, now: int, goal: int, label: str, goal_label: str
) -> Chart:
    end = max(end, start + 1)
    top = max([goal, *(raised for _, raised in history)]) or 1
    top = top * 11 // 10  # headroom above the higher of goal and peak

    def x(t: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (min(max(t, start), end) - start) / (end - start)

    def y(v: int) -> float:
        return HEIGHT - AXIS - PAD - (HEIGHT - AXIS - 2 * PAD) * v / top

    path = [f"{x(start):.1f},{y(0):.1f}"]
    level = 0
    for t, raised in history:
        path.append(f"{x(t):.1f},{y(level):.1f}")
        level = raised
        path.append(f"{x(t):.1f},{y(level):.1f}")
    path.append(f"{x(min(now, end)):.1f},{y(level):.1f}")
    goal_y = y(goal)
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<line x1="{PAD}" y1="{goal_y:.1f}" x2="{WIDTH - PAD}" y2="{goal_y:.1f}" stroke="#8a6d00" '
        'stroke-dasharray="6 4" stroke-width="1.5"/>'
        f'<text x="{WIDTH - PAD}" y="{goal_y - 4:.1f}" text-anchor="end" font-size="12" fill="#5c4900">'
        f"{escape(goal_label)}</text>"
        f'<polyline points="{" ".join(path)}" fill="none" stroke="#1d5fb4" stroke-width="2.5"/>'
        f'<line x1="{PAD}" y1="{y(0):.1f}" x2="{WIDTH - PAD}" y2="{y(0):.1f}" '
        'stroke="#555" stroke-width="1"/>'
        f'<text x="{PAD}" y="{HEIGHT - 4}" font-size="12" fill="#4d5560">{escape(_day(start))}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 4}" font-size="12" fill="#4d5560" text-anchor="end">'
        f"{escape(_day(end))}</text>"
        "</svg>"
    )
    return Chart(svg, len(history))
