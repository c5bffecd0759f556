"""Vietnam time (UTC+7, no daylight saving) for dates printed on documents and signatures.

Decree 30 wants the digital signing date to equal the printed issue date, both in Vietnam time,
so every date this package writes goes through these helpers.
"""

from __future__ import annotations

import datetime as dt

from .errors import BadInputError

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def now_vn() -> dt.datetime:
    """The current time in Vietnam, whole seconds (signatures show no fractions)."""
    return dt.datetime.now(VN_TZ).replace(microsecond=0)


def to_vn(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Vietnam time; a naive datetime is taken as UTC (as servers keep it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VN_TZ)


def iso_vn(moment: dt.datetime) -> str:
    """ISO 8601 with the Vietnam offset, e.g. ``2019-02-18T09:30:05+07:00``."""
    return to_vn(moment).replace(microsecond=0).isoformat()


def date_phrase(day: dt.date, place: str | None = None) -> str:
    """The date line of an administrative document: ``Tuyên Quang, ngày 18 tháng 02 năm 2019``.

    Annex I of Decree 30: days below 10 and months below 3 take a leading zero (so "tháng 02"
    but "tháng 3"); a datetime is first taken to Vietnam time.
    """
    if isinstance(day, dt.datetime):
        day = to_vn(day).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    phrase = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {phrase}" if place else phrase


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` from a command line, or an ISO 8601 moment with an offset (e.g.
    ``2019-02-17T23:30:00Z``), which gives that moment's date in Vietnam."""
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no offset")
            return to_vn(moment).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"Ngày không hợp lệ: {text!r} (cần dạng NNNN-TT-NN hoặc ISO 8601 có múi giờ)",
            f"Invalid date: {text!r} (expected YYYY-MM-DD or ISO 8601 with an offset)",
        ) from None
