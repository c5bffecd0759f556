"""An incoming document as a row of the incoming register (Decree 30 Annex IV form VI, ten
columns) and of the follow-up register (form VIII, seven columns).

The forms are Vietnamese legal forms: their headings are printed as the form has them, in
Vietnamese. What a row says of the document (notes, progress) is in the language the wizard
renders in (Vietnamese when Odoo has it, see the wizard's ``_form_env``).
"""

from dataclasses import dataclass

from snn_sign.vntime import to_vn

DATE_FORMAT = "%d/%m/%Y"
# (heading, width in percent of the page, centred); the forms' order.
REGISTER_COLUMNS = (
    ("Ngày đến", 7, True),
    ("Số đến", 5, True),
    ("Tác giả", 13, False),
    ("Số, ký hiệu văn bản", 10, True),
    ("Ngày tháng văn bản", 7, True),
    ("Tên loại và trích yếu nội dung văn bản", 24, False),
    ("Đơn vị hoặc người nhận", 12, False),
    ("Ngày chuyển", 7, True),
    ("Ký nhận", 6, False),
    ("Ghi chú", 9, False),
)
FOLLOWUP_COLUMNS = (
    ("Số đến", 6, True),
    ("Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản", 30, False),
    ("Đơn vị hoặc người nhận", 16, False),
    ("Thời hạn giải quyết", 9, True),
    ("Tiến độ giải quyết", 13, False),
    ("Số, ký hiệu văn bản trả lời", 12, True),
    ("Ghi chú", 14, False),
)
# Still being handled: a deadline passed is overdue.
OPEN_STATES = ("received", "accepted", "assigned", "processing")


@dataclass
class Row:
    """A printed row: its số đến, its cells in the form's column order."""

    number: int
    cells: tuple
    missing: bool = False


def number_text(number):
    return f"{number:02d}"


def vn_date(moment):
    """A stored datetime (UTC, as Odoo keeps it) as the Vietnam date, printed."""
    return to_vn(moment).strftime(DATE_FORMAT) if moment else ""


def day(value):
    return value.strftime(DATE_FORMAT) if value else ""


def sender(incoming):
    # A sending organisation of this database the clerk may not read: its name only.
    return incoming.sender_name or incoming.sender_company_id.sudo().name or ""


def receiver(incoming):
    """The main unit (chủ trì) and the person it passed the document to."""
    main = incoming.assignment_ids.filtered(lambda a: a.role == "main")[:1].sudo()
    if not main:
        return ""
    unit = main.department_id.name or ""
    return f"{unit} ({main.user_id.name})" if main.user_id else unit


def note(incoming):
    """Ghi chú: the clerk's note at registration, and what became of the document."""
    env = incoming.env
    notes = [incoming.registration_note or ""]
    if incoming.state == "refused":
        notes.append(env._("Refused: %s", incoming.refuse_reason or ""))
    elif incoming.state == "withdrawn":
        replacement = incoming.sudo().replaced_by_id
        if replacement.incoming_number:
            notes.append(
                env._(
                    "Replaced by %(code)s (incoming number %(number)s)",
                    code=replacement.code or "",
                    number=number_text(replacement.incoming_number),
                )
            )
        elif replacement:
            notes.append(env._("Replaced by %s", replacement.code or ""))
        else:
            notes.append(env._("Recalled by the sender"))
    if incoming.confidentiality != "normal":
        notes.append(selection_label(incoming, "confidentiality"))
    return "; ".join(text.strip() for text in notes if text and text.strip())


def selection_label(record, field):
    return dict(record._fields[field]._description_selection(record.env))[record[field]]


def register_row(incoming):
    """Form VI: the ten columns; Ký nhận is left for the signature on paper."""
    return Row(
        incoming.incoming_number,
        (
            vn_date(incoming.received_at or incoming.registered_at),
            number_text(incoming.incoming_number),
            sender(incoming),
            incoming.code or "",
            day(incoming.issue_date),
            f"{incoming.document_type_name or ''} {incoming.subject or ''}".strip(),
            receiver(incoming),
            vn_date(incoming.assigned_at),
            "",
            note(incoming),
        ),
    )


def followup_row(incoming, today):
    """Form VIII: the seven columns, the progress as of ``today`` (a Vietnam date)."""
    return Row(
        incoming.incoming_number,
        (
            number_text(incoming.incoming_number),
            describe(incoming),
            receiver(incoming),
            day(deadline(incoming)),
            progress(incoming, today),
            "; ".join(replies(incoming)),
            note(incoming),
        ),
    )


def describe(incoming):
    """Column 2 of form VIII, in the form's words: "Công văn số 125/STC-QLNS ngày 10/05/2019
    của Sở Tài chính"."""
    parts = [incoming.document_type_name or ""]
    if incoming.code:
        parts.append(f"số {incoming.code}")
    if incoming.issue_date:
        parts.append(f"ngày {day(incoming.issue_date)}")
    if sender(incoming):
        parts.append(f"của {sender(incoming)}")
    return " ".join(part for part in parts if part)


def deadline(incoming):
    main = incoming.assignment_ids.filtered(lambda a: a.role == "main")[:1]
    return incoming.deadline or main.deadline


def progress(incoming, today):
    words = selection_label(incoming, "state")
    due = deadline(incoming)
    if incoming.state in OPEN_STATES and due and due < today:
        return incoming.env._(
            "%(state)s; overdue by %(days)s days", state=words, days=(today - due).days
        )
    return words


def replies(incoming):
    """The numbers of the issued replies: each is in the outgoing register the clerk keeps,
    whoever drafted it."""
    issued = incoming.sudo().reply_ids.filtered(lambda d: d.state == "issued" and d.code)
    return issued.sorted("id").mapped("code")


def gap_row(env, first, last, columns):
    """Numbers no document carries, printed rather than hidden (the numbering never leaves
    one; a register that did must show it)."""
    numbers = number_text(first) if first == last else f"{number_text(first)}–{number_text(last)}"
    cells = [""] * len(columns)
    cells[[heading for heading, _width, _centred in columns].index("Số đến")] = numbers
    cells[-1] = env._("No document carries this number: the register has a gap here.")
    return Row(first, tuple(cells), missing=True)
