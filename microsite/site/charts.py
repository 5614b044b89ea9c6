"""Charts drawn at build time: inline SVG made from the site's own data, with no script and nothing fetched.

Each chart is an `<svg role="img">` with a title and a sentence describing its data, a legend in HTML and the
numbers in a table behind a "Data" disclosure, for screen readers and for copying. The colours are the
claim statuses' (static/style.css, `.chart-*`), light and dark. Every number is an integer or formatted
with a fixed number of decimals and every list is in a fixed order, so two builds give the same bytes.

The data of a chart is worked out in one pass over what it counts: the site's articles for the home page and
the timeline, once per Site; a company's articles for its page, every company's at once, once per Site.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jinja2 import pass_context
from markupsafe import Markup

from ..dates import PartialDate
from ..model import Article, Claim, Company, Site, Source
from ..source.schema import CLAIM_STATUSES

STATUSES = CLAIM_STATUSES  # reported, rumour, forecast, confirmed, denied, opinion: the stacking order

# The period of a bar: a month while the dates span at most MONTHS_UP_TO months, a quarter while they span at
# most QUARTERS_UP_TO_YEARS years, a year past that.
MONTHS_UP_TO = 24
QUARTERS_UP_TO_YEARS = 8

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The drawing, in viewBox units: the SVG scales to the width of its container.
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 36


@dataclass
class Period:
    key: tuple[int, int]  # (year, month 1-12 | quarter 1-4 | 0 for a year)
    label: str
    articles: int = 0
    claims: Counter = field(default_factory=Counter)  # status -> count

    @property
    def claim_count(self) -> int:
        return sum(self.claims.values())


@dataclass
class Series:
    """Articles and their claims by period of publication."""

    unit: str  # month, quarter or year
    periods: list[Period]
    undated: int  # articles without a published date: left out
    imprecise: int  # articles dated less precisely than the unit (a year only, by month): left out

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.periods)

    @property
    def claims(self) -> Counter:
        total = Counter()
        for period in self.periods:
            total.update(period.claims)
        return total


def unit_for(dates: Iterable[PartialDate]) -> str:
    """month, quarter or year: from the span of the dates (a date known to the year spans all of it)."""
    first = last = None
    for date in dates:
        start, end = date.year * 12 + (date.month or 1) - 1, date.year * 12 + (date.month or 12) - 1
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
    if first is None:
        return "year"
    span = last - first + 1
    return "month" if span <= MONTHS_UP_TO else "quarter" if span <= QUARTERS_UP_TO_YEARS * 12 else "year"


def _key(date: PartialDate, unit: str) -> tuple[int, int] | None:
    if unit == "year":
        return (date.year, 0)
    if date.month is None:
        return None
    return (date.year, date.month if unit == "month" else (date.month - 1) // 3 + 1)


def _label(key: tuple[int, int], unit: str) -> str:
    year, part = key
    return str(year) if unit == "year" else f"{_MONTHS[part - 1]} {year}" if unit == "month" else f"Q{part} {year}"


def _next(key: tuple[int, int], unit: str) -> tuple[int, int]:
    year, part = key
    last = {"month": 12, "quarter": 4, "year": 0}[unit]
    return (year + 1, 0 if unit == "year" else 1) if part >= last else (year, part + 1)


def series(articles: Iterable[Article], claims_of: Callable[[Article], Iterable[Claim]] | None = None) -> Series:
    """Articles by period of publication, each with its claims by status (`claims_of`: which of an article's
    claims count, default all); every period from the first to the last, empty ones too."""
    claims_of = claims_of or (lambda article: article.claims)
    dated: list[tuple[PartialDate, Counter]] = []
    undated = 0
    for article in articles:  # the one pass over the articles
        if article.published is None:
            undated += 1
        else:
            dated.append((article.published, Counter(claim.status for claim in claims_of(article))))
    unit = unit_for(date for date, _ in dated)
    if unit != "year" and all(date.month is None for date, _ in dated):
        unit = "year"  # every date known to the year only: bars by year, not none at all
    found: dict[tuple[int, int], Period] = {}
    imprecise = 0
    for date, statuses in dated:
        key = _key(date, unit)
        if key is None:
            imprecise += 1
            continue
        period = found.get(key) or found.setdefault(key, Period(key, _label(key, unit)))
        period.articles += 1
        period.claims.update(statuses)
    periods = []
    if found:
        key, last = min(found), max(found)
        while key <= last:
            periods.append(found.get(key) or Period(key, _label(key, unit)))
            key = _next(key, unit)
    return Series(unit, periods, undated, imprecise)


# Worked out once per Site (a build's model): the home page and the timeline's landing share the site's
# series, and every company's is made at once.
_made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _of(site: Site, name: str, make: Callable[[], object]):
    made = _made.setdefault(site, {})
    if name not in made:
        made[name] = make()
    return made[name]


def site_series(site: Site) -> Series:
    return _of(site, "site", lambda: series(site.articles))


def company_series(site: Site) -> dict[str, Series]:
    """Every mentioned company's articles by period, each with its claims about the company."""

    def make() -> dict[str, Series]:
        found = {}
        for company in site.mentioned_companies:
            about = _claims_about(company)
            found[company.slug] = series(company.articles, lambda article, about=about: about.get(id(article), ()))
        return found

    return _of(site, "companies", make)


def _claims_about(company: Company) -> dict[int, list[Claim]]:
    by_article: dict[int, list[Claim]] = {}
    for claim in company.claims:
        by_article.setdefault(id(claim.article), []).append(claim)
    return by_article


# Drawing


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros, the same on every machine."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _nice_max(value: int) -> int:
    """The top of the scale: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def _counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _status_list(counts: Counter) -> str:
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])


def _legend(with_articles: bool, counts: Counter | None = None) -> Markup:
    items = []
    if with_articles:
        items.append(Markup('<li><span class="swatch chart-articles" aria-hidden="true"></span>Articles</li>'))
    for status in STATUSES:
        if counts is not None and not counts[status]:
            continue
        label = status.capitalize() + (f" ({counts[status]})" if counts is not None else "")
        items.append(
            Markup('<li><span class="swatch chart-{}" aria-hidden="true"></span>{}</li>').format(status, label)
        )
    return Markup('<ul class="chart-legend" aria-label="Legend">{}</ul>').format(Markup("").join(items))


def _figure(chart_id: str, height: int, title: str, desc: str, body: Markup, legend: Markup, table: Markup) -> Markup:
    return Markup(
        '<figure class="chart" id="{id}">\n'
        '<figcaption class="chart-caption">{title}</figcaption>\n'
        '<svg class="chart-svg" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">\n'
        '<title id="{id}-title">{title}</title>\n<desc id="{id}-desc">{desc}</desc>\n{body}</svg>\n'
        "{legend}\n"
        '<details class="chart-data"><summary>Data</summary>\n{table}</details>\n'
        "</figure>\n"
    ).format(id=chart_id, w=WIDTH, h=height, title=title, desc=desc, body=body, legend=legend, table=table)


def period_chart(data: Series, chart_id: str, title: str, what: str) -> Markup:
    """Bars by period: the articles (a narrow bar) beside their claims stacked by status. Empty Markup when
    no article could be placed in a period. `what`: who the articles are, for the description."""
    periods = data.periods
    if not periods:
        return Markup("")
    claims = data.claims
    busiest = max(periods, key=lambda p: (p.articles, p.claim_count, -p.key[0], -p.key[1]))
    desc = (
        f"{_upper(what)} by {data.unit} of publication, {periods[0].label} to {periods[-1].label}: "
        f"{_counted(data.articles, 'article')} making {_counted(sum(claims.values()), 'claim')}"
        + (f" ({_status_list(claims)})" if claims else "")
        + f". The busiest {data.unit} was {busiest.label}, with {_counted(busiest.articles, 'article')} and "
        f"{_counted(busiest.claim_count, 'claim')}."
    )
    if data.undated:
        verb = "is" if data.undated == 1 else "are"
        desc += f" {_counted(data.undated, 'article')} without a publication date {verb} left out."
    if data.imprecise:
        desc += (
            f" {_counted(data.imprecise, 'article')} dated only to the year {'is' if data.imprecise == 1 else 'are'} "
            f"left out of the {data.unit}s."
        )

    top = _nice_max(max(max(p.articles, p.claim_count) for p in periods))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    slot = plot_w / len(periods)
    gap = min(slot * 0.15, 6)
    article_w = (slot - gap) * 0.35
    claims_w = slot - gap - article_w
    scale = plot_h / top
    parts = []
    for value in (0, top // 2, top) if top >= 2 else (0, top):
        y = base - value * scale
        parts.append(
            Markup(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>\n'
            ).format(LEFT, _n(y), WIDTH - RIGHT, _n(y), LEFT - 6, _n(y + 4), value)
        )
    every = max(1, -(-len(periods) // 12))  # at most some twelve labels along the bottom
    for index, period in enumerate(periods):
        x = LEFT + index * slot + gap / 2
        bars = [
            Markup("<title>{}: {}, {}</title>").format(
                period.label, _counted(period.articles, "article"), _counted(period.claim_count, "claim")
            )
        ]
        if period.articles:
            height = period.articles * scale
            bars.append(
                Markup(
                    '<rect class="bar chart-articles" x="{}" y="{}" width="{}" height="{}" data-count="{}"/>'
                ).format(_n(x), _n(base - height), _n(article_w), _n(height), period.articles)
            )
        y = base
        for status in STATUSES:
            count = period.claims[status]
            if not count:
                continue
            height = count * scale
            y -= height
            bars.append(
                Markup(
                    '<rect class="bar chart-{}" x="{}" y="{}" width="{}" height="{}" data-status="{}" data-count="{}"/>'
                ).format(status, _n(x + article_w), _n(y), _n(claims_w), _n(height), status, count)
            )
        if period.articles:  # an empty period: no bar, its place on the axis kept
            parts.append(Markup('<g data-period="{}">{}</g>\n').format(period.label, Markup("").join(bars)))
        if index % every == 0:
            parts.append(
                Markup('<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>\n').format(
                    _n(LEFT + (index + 0.5) * slot), base + 16, period.label
                )
            )
    parts.append(
        Markup('<line class="chart-baseline" x1="{}" y1="{}" x2="{}" y2="{}"/>\n').format(
            LEFT, base, WIDTH - RIGHT, base
        )
    )

    head = "".join(f'<th scope="col" class="num">{s.capitalize()}</th>' for s in STATUSES)
    rows = [
        Markup(
            '<tr><th scope="row">{}</th><td class="num" data-label="Articles">{}</td>'
            '<td class="num" data-label="Claims">{}</td>{}</tr>\n'
        ).format(
            p.label,
            p.articles,
            p.claim_count,
            Markup("").join(
                Markup('<td class="num" data-label="{}">{}</td>').format(s.capitalize(), p.claims[s]) for s in STATUSES
            ),
        )
        for p in periods
    ]
    table = Markup(
        '<div class="table-wrap"><table class="chart-table"><caption>{}</caption>\n'
        '<thead><tr><th scope="col">{}</th><th scope="col" class="num">Articles</th>'
        '<th scope="col" class="num">Claims</th>{}</tr></thead>\n<tbody>\n{}</tbody></table></div>\n'
    ).format(title, data.unit.capitalize(), Markup(head), Markup("").join(rows))
    return _figure(chart_id, HEIGHT, title, desc, Markup("").join(parts), _legend(True), table)


_BAR_HEIGHT = 40


def status_chart(claims: Iterable[Claim], chart_id: str, title: str, what: str) -> Markup:
    """One horizontal bar, a segment per status, as wide as its share of the claims. Empty Markup for none."""
    counts = Counter(claim.status for claim in claims)
    total = sum(counts.values())
    if not total:
        return Markup("")
    desc = f"{_counted(total, 'claim')} {what}, by status: {_status_list(counts)}."
    parts, x = [], 0.0
    for status in STATUSES:
        count = counts[status]
        if not count:
            continue
        width = WIDTH * count / total
        parts.append(
            Markup(
                '<rect class="bar bar-h chart-{}" x="{}" y="0" width="{}" height="{}" data-status="{}" data-count="{}">'
                "<title>{}: {}</title></rect>\n"
            ).format(status, _n(x), _n(width), _BAR_HEIGHT, status, count, status.capitalize(), count)
        )
        x += width
    rows = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td class="num" data-label="Claims">{}</td></tr>\n').format(
            s.capitalize(), counts[s]
        )
        for s in STATUSES
    )
    table = Markup(
        '<div class="table-wrap"><table class="chart-table"><caption>{}</caption>\n'
        '<thead><tr><th scope="col">Status</th><th scope="col" class="num">Claims</th></tr></thead>\n'
        "<tbody>\n{}</tbody></table></div>\n"
    ).format(title, rows)
    return _figure(chart_id, _BAR_HEIGHT, title, desc, Markup("").join(parts), _legend(False, counts), table)


# For the templates (site/render.py registers them)


def _site_of(context) -> Site:
    from .render import whole_site  # render imports this module

    return whole_site(context["site"])


@pass_context
def site_chart(context) -> Markup:
    """The home page's and the timeline's chart: every article and claim by period."""
    data = site_series(_site_of(context))
    return period_chart(data, "chart-site", "Articles and claims by period", "the site's articles")


@pass_context
def company_chart(context, company: Company) -> Markup:
    data = company_series(_site_of(context)).get(company.slug)
    if data is None:
        return Markup("")
    title = f"{company.name}: mentions by period"
    return period_chart(data, "chart-company", title, f"articles naming {company.name}, with the claims about it,")


def source_chart(source: Source) -> Markup:
    title = f"{source.name}: claims by status"
    return status_chart(source.claims, "chart-source", title, f"attributed to {source.name}")


GLOBALS = {"site_chart": site_chart, "company_chart": company_chart, "source_chart": source_chart}
