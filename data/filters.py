"""The one filter every analysis, the map, the briefing and the CLI share.

A :class:`Filter` is a small frozen value (hashable, so it can key caches). It turns
into a parameterised SQL condition on the ``incidents`` table and round-trips through
a URL query string.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace

import duckdb

from core.errors import InputError
from core.i18n import t
from core.vocab import ARTICLES, DRUGS, fold, match_station, normalise
from geo.areas import AreaError, area_wkt, parse_area


@dataclass(frozen=True)
class Filter:
    """Period (inclusive dates) and value lists; an empty tuple means "all"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    articles: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    stations: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()      # old (pre-2025) or new names
    villages: tuple[str, ...] = ()      # village ids
    area: str | None = None             # WKT (multi)polygon in EPSG:4326: drawn on the map or --area FILE

    # -- SQL --------------------------------------------------------------------------
    def where(self, alias: str = "") -> tuple[str, list]:
        """SQL condition and parameters on incidents (``alias.`` prefixed when given)."""
        p = f"{alias}." if alias else ""
        conds: list[str] = []
        params: list = []
        if self.date_from:
            conds.append(f"{p}occurred_at >= ?")
            params.append(dt.datetime.combine(self.date_from, dt.time.min))
        if self.date_to:
            conds.append(f"{p}occurred_at < ?")
            params.append(dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min))
        for col, values in (("article", self.articles), ("drug", self.drugs),
                            ("station_id", self.stations), ("village_id", self.villages)):
            if values:
                conds.append(f"{p}{col} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.communes:
            marks = ", ".join("?" * len(self.communes))
            conds.append(f"{p}commune IN (SELECT old_name FROM communes WHERE old_name IN ({marks}) "
                         f"OR new_name IN ({marks}))")
            params.extend(self.communes)
            params.extend(self.communes)
        if self.area:
            conds.append(f"ST_Intersects(ST_GeomFromText(?), ST_Point({p}lon, {p}lat))")
            params.append(self.area)
        return (" AND ".join(conds) or "TRUE"), params

    # -- periods ----------------------------------------------------------------------
    def days(self) -> int | None:
        if self.date_from and self.date_to:
            return (self.date_to - self.date_from).days + 1
        return None

    def previous_period(self) -> "Filter":
        """The period of the same length just before this one (same other values)."""
        n = self.days()
        if n is None or self.date_from is None:
            raise ValueError("previous_period needs both date_from and date_to")
        end = self.date_from - dt.timedelta(days=1)
        return replace(self, date_from=end - dt.timedelta(days=n - 1), date_to=end)

    def same_period_last_year(self) -> "Filter":
        """The same calendar dates one year earlier ("cùng kỳ năm trước"), same other values.

        29 February becomes 28 February; an end on the last day of February stays on the
        last day of February, so two whole months compare with two whole months.

        >>> f = Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 29)).same_period_last_year()
        >>> f.date_from, f.date_to
        (datetime.date(2025, 1, 1), datetime.date(2025, 11, 29))
        >>> f = Filter(date_from=dt.date(2028, 2, 29), date_to=dt.date(2028, 2, 29)).same_period_last_year()
        >>> f.date_from, f.date_to
        (datetime.date(2027, 2, 28), datetime.date(2027, 2, 28))
        >>> Filter(date_from=dt.date(2029, 1, 1), date_to=dt.date(2029, 2, 28)).same_period_last_year().date_to
        datetime.date(2028, 2, 29)
        """
        if not (self.date_from and self.date_to):
            raise ValueError("same_period_last_year needs both date_from and date_to")
        return replace(self, date_from=year_earlier(self.date_from),
                       date_to=year_earlier(self.date_to, month_end=True))

    # -- validation -------------------------------------------------------------------
    def validated(self, con: duckdb.DuckDBPyConnection, lang: str | None = None) -> "Filter":
        """Normalise codes (aliases, diacritics) and refuse unknown values with the valid list."""
        arts = tuple(_check("article", a, normalise("article", a), list(ARTICLES), lang) for a in self.articles)
        drugs = tuple(_check("drug", d, normalise("drug", d), list(DRUGS), lang) for d in self.drugs)
        station_ids = {fold(r[0]): r[0] for r in con.execute("SELECT id FROM stations").fetchall()}
        station_rows = [(str(r[0]), str(r[1])) for r in con.execute("SELECT id, name FROM stations").fetchall()]
        # by id, by name without diacritics or case, or by a unique part of a name ("Lao Bảo"), as imports take them
        stations = tuple(_check("station", s, match_station(station_rows, s)[0], sorted(station_ids.values()), lang)
                         for s in self.stations)
        names = con.execute("SELECT old_name, new_name FROM communes").fetchall()
        commune_index = {fold(n): n for pair in names for n in pair}
        communes = tuple(_check("commune", c, commune_index.get(fold(c)), sorted(set(commune_index.values())), lang)
                         for c in self.communes)
        village_ids = {fold(r[0]): r[0] for r in con.execute("SELECT id FROM villages").fetchall()}
        villages = tuple(_check("village", v, village_ids.get(fold(v)), sorted(village_ids.values())[:50], lang)
                         for v in self.villages)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(t("cli.bad_date", lang, value=f"{self.date_from} > {self.date_to}"))
        area = None
        if self.area:
            try:
                area = area_wkt(parse_area(self.area))
            except AreaError as exc:
                raise InputError(t("cli.bad_area", lang, reason=str(exc))) from None
        return replace(self, articles=arts, drugs=drugs, stations=stations, communes=communes, villages=villages,
                       area=area)

    # -- URL query string -------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v in (None, ()):
                continue
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else v if isinstance(v, str) else ",".join(v)
        return out

    @classmethod
    def from_query(cls, query: dict) -> "Filter":
        kw: dict = {}
        for f in fields(cls):
            raw = query.get(f.name)
            if isinstance(raw, list):
                raw = raw[-1] if raw else None
            if not raw:
                continue
            if f.name.startswith("date_"):
                try:
                    kw[f.name] = parse_date(raw)
                except InputError:
                    continue
            elif f.name == "area":          # WKT: commas are part of it
                kw[f.name] = str(raw)
            else:
                kw[f.name] = tuple(x for x in str(raw).split(",") if x)
        return cls(**kw)


#: The filter that keeps every incident: the default of the ``*_for`` and ``load_*`` functions.
NO_FILTER = Filter()


def year_earlier(day: dt.date, *, month_end: bool = False) -> dt.date:
    """``day`` one year earlier; 29 February gives 28 February. With ``month_end`` the last
    day of February gives the last day of February (28/02/2029 → 29/02/2028).

    >>> year_earlier(dt.date(2028, 2, 29)), year_earlier(dt.date(2029, 2, 28), month_end=True)
    (datetime.date(2027, 2, 28), datetime.date(2028, 2, 29))
    """
    y = day.year - 1
    last_feb = 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    if day.month == 2 and (day.day == 29 or (month_end and day.day == 28)):
        return dt.date(y, 2, last_feb if month_end else 28)
    return day.replace(year=y)


def _check(field: str, raw: str, code: str | None, valid: list[str], lang: str | None) -> str:
    if code is None:
        raise InputError(t("cli.unknown_value", lang, field=field, value=raw, valid=", ".join(valid)))
    return code


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str) -> dt.date:
    """ISO ``YYYY-MM-DD`` or Vietnamese ``dd/mm/yyyy`` (03/04/2024 is 3 April 2024), and nothing else.

    The whole text must be the date (surrounding blanks aside): ``2026-01-01' OR '1'='1``,
    ``2026-01-01T10:00`` or ``2026-01-01x`` are refused, never read as their first ten characters.

    >>> parse_date("03/04/2024")
    datetime.date(2024, 4, 3)
    """
    s = str(text).strip()
    try:
        iso = _ISO_DATE.fullmatch(s)
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        vn = _VN_DATE.fullmatch(s)
        if vn:
            return dt.date(int(vn[3]), int(vn[2]), int(vn[1]))
    except (ValueError, TypeError) as exc:
        raise InputError(t("cli.bad_date", None, value=s[:40])) from exc
    raise InputError(t("cli.bad_date", None, value=s[:40]))
