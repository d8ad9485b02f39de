"""Time arithmetic for limits, steps and journeys: every duration in working days.

Statutory limits, promised limits and step times are written in working days
(工作日), natural days (自然日) or hours (小时); ``天``/``日`` without saying which
(unit ``days``) count as natural days, and the check ambiguous-day-unit warns about
them. ``承诺: 即办`` is a promised limit of 0 working days. To compare or add them,
qingdan converts everything to working days by one documented rule:

- 1 working day = 8 hours;
- without a holiday calendar, 7 natural days = 5 working days;
- with a calendar (``[calendar] holidays`` in qingdan.toml), the ratio is the share of
  working days (Monday to Friday, minus the listed holidays) among all days of the
  years the calendar covers.

Exact fractions are used throughout, so sums and comparisons never drift.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date
from fractions import Fraction
from typing import overload

from .model import Duration, Matter

HOURS_PER_WORKING_DAY = 8
WORKING_DAYS_PER_WEEK = Fraction(5, 7)


def working_day_ratio(holidays: list[date] | tuple[date, ...] = ()) -> Fraction:
    """Working days per natural day: 5/7, or computed from the holiday calendar."""
    if not holidays:
        return WORKING_DAYS_PER_WEEK
    years = sorted({h.year for h in holidays})
    weekday_holidays = {h for h in holidays if h.weekday() < 5}
    total = working = 0
    for year in years:
        days = 366 if _calendar.isleap(year) else 365
        total += days
        working += sum(1 for month in range(1, 13) for week in _calendar.monthcalendar(year, month) for wd in range(5) if week[wd])
    working -= len(weekday_holidays)
    return Fraction(working, total)


class Clock:
    """Converts durations to working days with the project's calendar."""

    def __init__(self, holidays: list[date] | tuple[date, ...] = ()) -> None:
        self.ratio = working_day_ratio(holidays)
        self.calendar = bool(holidays)

    @overload
    def working_days(self, d: Duration) -> Fraction: ...
    @overload
    def working_days(self, d: None) -> None: ...
    @overload
    def working_days(self, d: Duration | None) -> Fraction | None: ...

    def working_days(self, d: Duration | None) -> Fraction | None:
        """``d`` in working days (``None`` for no duration)."""
        if d is None:
            return None
        amount = Fraction(d.amount)
        if d.unit == "working_days":
            return amount
        if d.unit == "hours":
            return amount / HOURS_PER_WORKING_DAY
        return amount * self.ratio

    def rule_zh(self) -> str:
        if self.calendar:
            return f"按项目节假日日历，1 个自然日折合 {fmt_days(self.ratio)} 个工作日；1 个工作日 = {HOURS_PER_WORKING_DAY} 小时"
        return f"7 个自然日折合 5 个工作日；1 个工作日 = {HOURS_PER_WORKING_DAY} 小时"

    def rule_en(self) -> str:
        if self.calendar:
            return f"by the project's holiday calendar, 1 natural day = {fmt_days(self.ratio)} working days; 1 working day = {HOURS_PER_WORKING_DAY} hours"
        return f"7 natural days = 5 working days; 1 working day = {HOURS_PER_WORKING_DAY} hours"


def fmt_days(value: Fraction) -> str:
    """A working-day figure for messages: whole numbers plain, others to two decimals.

    Figures too large for a float (the language bounds durations, but a figure may come
    from elsewhere) are rounded exactly, so that no figure can make a message fail.
    """
    if value.denominator == 1:
        return str(value.numerator)
    if abs(value) < 10**15:
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    hundredths = round(value * 100)
    whole, cents = divmod(abs(hundredths), 100)
    sign = "-" if hundredths < 0 else ""
    return f"{sign}{whole}.{cents:02d}".rstrip("0").rstrip(".")


def days_zh(value: Fraction) -> str:
    return f"{fmt_days(value)}个工作日"


def days_en(value: Fraction) -> str:
    return f"{fmt_days(value)} working days"


def as_written_zh(d: Duration, clock: Clock) -> str:
    """``10个自然日（约7.14个工作日）`` — the written duration plus its conversion when needed."""
    if d.unit == "working_days":
        return d.zh()
    return f"{d.zh()}（折合{days_zh(clock.working_days(d))}）"


def as_written_en(d: Duration, clock: Clock) -> str:
    if d.unit == "working_days":
        return d.en()
    return f"{d.en()} (= {days_en(clock.working_days(d))})"


def matter_time(matter: Matter, clock: Clock) -> tuple[Fraction | None, str | None]:
    """How long a matter takes, in working days, and where the figure comes from.

    The promised limit if written (即办: 0), else the statutory limit, else the sum of the
    durations of the steps the limit counts (not the special procedures marked
    ``不计时限``); ``(None, None)`` when the matter states none of them.
    """
    limits = matter.limits
    if limits.promised is not None:
        return clock.working_days(limits.promised), "promised"
    if limits.statutory is not None:
        return clock.working_days(limits.statutory), "statutory"
    steps = [clock.working_days(s.duration) for s in matter.steps if s.duration is not None and not s.outside_limit]
    if steps:
        return sum(steps, Fraction(0)), "steps"
    return None, None
