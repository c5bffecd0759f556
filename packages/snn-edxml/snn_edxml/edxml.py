"""edXML messages of the national document exchange (QCVN 102:2016/BTTTT): write, read, check.

An outgoing document travels between agencies' systems (provincial LGSP, national VDXP) as one
edXML message: a header describing the document (sender, recipients, number and notation, date,
type, subject, signer, urgency), a trace/business part (new document, recall, update, replace)
and the files in base64. Receivers answer with status messages (arrived, accepted, processing,
done, recall agreed…) that point back at the document by its ``DocumentId``.

No public XSD of the standard was found, so the shape follows the sample messages of open
clients (``QuangChuIT/edoc-integrator``: ``edoc_new.edxml``, ``edoc_update.edxml``,
``status_processing_05.edxml``; ``PVN-Organization/API-Gateway-iOffice``:
``edoc_revocation.edxml`` for a document's ``ResponseFor``, ``edoc_replacement.edxml`` for
``ReplacementInfoList``) and docs/LEGAL.md: root ``edXML`` in the namespace
``http://www.mic.gov.vn/TBT/QCVN_102_2016``, envelope children written with the ``edXML:``
prefix, ``AttachmentEncoded`` children unprefixed (default namespace, same URI), and the
standard's own spelling ``Bussiness``.

Plain Python, standard library only; never imports Odoo.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

from snn_sign.errors import SnnSignError
from snn_sign.vntime import VN_TZ, now_vn, to_vn

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

STATUS_CODES = {
    "01": "arrived",
    "02": "refused",
    "03": "accepted",
    "04": "assigned",
    "05": "processing",
    "06": "done",
    "13": "recall",
    "15": "recall_agreed",
    "16": "recall_refused",
}

#: Largest message ``parse_*`` accepts: a document of a few files is a few MB; 200 MB is far
#: above that and still bounded, so a hostile peer cannot make us decode gigabytes.
MAX_MESSAGE_BYTES = 200 * 1024 * 1024

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"

# The national directory's agency code ("mã định danh"), e.g. 000.00.00.H53.
ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# Characters XML 1.0 cannot carry at all; ElementTree would write them and make the message
# unreadable for every receiver, so the check refuses them with the field named.
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class EdxmlError(SnnSignError):
    """A message or a document breaks an edXML rule; ``field`` is the edXML path at fault
    (``Code/CodeNumber``, ``To[2]/OrganId``, ``Subject``, ``edXML`` for the message itself)."""

    def __init__(self, field: str, vi: str, en: str):
        super().__init__(f"edXML {field}: {vi}", f"edXML {field}: {en}")
        self.field = field


@dataclass
class Organ:
    """An agency as edXML ``From`` / ``To`` / status sender."""

    organ_id: str
    name: str
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class EdxmlFile:
    """One attached file. ``data`` is the file itself (never zipped by this module)."""

    name: str
    content_type: str
    data: bytes
    description: str = ""
    content_id: str = ""


@dataclass
class ResponseFor:
    """A document that a document answers (``MessageHeader/ResponseFor``; 0..n of them): the
    identifiers of the document as its sender wrote them. A reply quotes the incoming
    document it answers, so that its sender can link the two."""

    organ_id: str
    code: str  # "number/notation", as in the answered document's DocumentId
    promulgation_date: dt.date | None
    document_id: str

    @classmethod
    def of(cls, doc: EdxmlDocument) -> ResponseFor:
        """The ResponseFor of a (parsed) document: its DocumentId as received, if any."""
        return cls(
            organ_id=doc.sender.organ_id,
            code=f"{doc.code_number}/{doc.code_notation}",
            promulgation_date=_day(doc.promulgation_date),
            document_id=doc.received_document_id or doc.document_id,
        )


@dataclass
class EdxmlDocument:
    """An outgoing document (``business_doc_type`` 0) or a recall (1) / update (2) / replace (3)
    of one already sent. ``response_for``: the documents it answers; ``replaces``: for a
    replacement (3), the DocumentIds of the documents it replaces."""

    sender: Organ
    recipients: list[Organ]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: dt.date
    document_type: str
    type_name: str
    subject: str
    signer_competence: str
    signer_position: str
    signer_full_name: str
    priority: int = 0
    steering_type: int = 0
    business_doc_type: int = 0
    business_reason: str = ""
    staff_name: str = ""
    staff_department: str = ""
    staff_email: str = ""
    staff_mobile: str = ""
    timestamp: dt.datetime | None = None
    files: list[EdxmlFile] = field(default_factory=list)
    to_places: list[str] = field(default_factory=list)
    page_amount: int | None = None
    response_for: list[ResponseFor] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    #: The ``DocumentId`` exactly as a parsed message carried it (empty for documents built
    #: here). Status replies must quote the sender's own string, which another client may have
    #: formed differently from :attr:`document_id`; not part of equality.
    received_document_id: str = field(default="", compare=False)

    @property
    def document_id(self) -> str:
        """``{sender OrganId},{yyyy/MM/dd},{number}/{notation}``, e.g.
        ``000.00.00.G22,2015/09/30,7816/VPCP-TTĐT``.

        The number is kept as written in ``CodeNumber`` ("05", not "5"): Decree 30 wants the
        number identical on paper and electronic copies and written with a leading zero below
        10, the status sample quotes ``Code`` as the same ``number/notation`` text, and none of
        the samples strips anything (their numbers are all above 9, so they cannot show a
        zero being dropped). Receivers compare the string as is.
        """
        day = _day(self.promulgation_date).strftime(DATE_FORMAT)
        return f"{self.sender.organ_id},{day},{self.code_number}/{self.code_notation}"


@dataclass
class EdxmlStatus:
    """A status message about a document (see :data:`STATUS_CODES`)."""

    sender: Organ
    response_for: str
    status_code: str
    response_for_organ: str = ""
    description: str = ""
    timestamp: dt.datetime | None = None
    staff_name: str = ""
    staff_department: str = ""


# ---------------------------------------------------------------------------------------------
# Checks


def _day(value) -> dt.date:
    # A datetime is taken to its Vietnam date, as vntime.date_phrase does for the printed line.
    if isinstance(value, dt.datetime):
        return to_vn(value).date()
    return value


def _text(path: str, value, limit: int, required: bool = False) -> None:
    if not isinstance(value, str):
        raise EdxmlError(path, "phải là chuỗi ký tự", "must be a string")
    if required and not value.strip():
        raise EdxmlError(path, "bắt buộc, không được để trống", "is required and may not be empty")
    if len(value) > limit:
        raise EdxmlError(
            path,
            f"dài {len(value)} ký tự, tối đa {limit}",
            f"is {len(value)} characters long, at most {limit} allowed",
        )
    if _XML_ILLEGAL_RE.search(value):
        raise EdxmlError(
            path, "chứa ký tự điều khiển không hợp lệ", "contains a control character XML forbids"
        )


def _int_range(path: str, value, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise EdxmlError(
            path,
            f"phải là số nguyên từ {low} đến {high}, nhận được {value!r}",
            f"must be an integer from {low} to {high}, got {value!r}",
        )


def _check_organ(path: str, organ: Organ) -> None:
    if not isinstance(organ, Organ):
        raise EdxmlError(path, "thiếu thông tin cơ quan", "the agency is missing")
    _text(f"{path}/OrganId", organ.organ_id, 13, required=True)
    if not ORGAN_ID_RE.match(organ.organ_id):
        raise EdxmlError(
            f"{path}/OrganId",
            f"mã định danh {organ.organ_id!r} không đúng dạng 000.00.00.H53 "
            "(3 số.2 số.2 số.1 chữ hoa 2 số)",
            f"agency code {organ.organ_id!r} is not shaped like 000.00.00.H53 "
            "(3 digits.2 digits.2 digits.capital letter and 2 digits)",
        )
    # Limits other than CodeNumber/CodeNotation/Subject are ours (the standard's table was not
    # at hand): generous enough for every real name, small enough to catch pasted garbage.
    _text(f"{path}/OrganName", organ.name, 200, required=True)
    _text(f"{path}/OrganizationInCharge", organ.in_charge, 200)
    _text(f"{path}/OrganAdd", organ.address, 250)
    _text(f"{path}/Email", organ.email, 100)
    _text(f"{path}/Telephone", organ.telephone, 30)
    _text(f"{path}/Fax", organ.fax, 30)
    _text(f"{path}/Website", organ.website, 100)


def check_document(doc: EdxmlDocument) -> None:
    """Raise :class:`EdxmlError` naming the first field of ``doc`` that breaks a rule."""
    _check_parties(doc)
    _check_code(doc)
    _check_rest(doc)


def _check_parties(doc: EdxmlDocument) -> None:
    _check_organ("From", doc.sender)
    if not doc.recipients:
        raise EdxmlError("To", "cần ít nhất một cơ quan nhận", "at least one recipient is needed")
    seen: set[str] = set()
    for index, organ in enumerate(doc.recipients, 1):
        _check_organ(f"To[{index}]", organ)
        # Receivers and the exchange key deliveries on OrganId: a duplicate would be delivered
        # twice or refused by the exchange.
        if organ.organ_id in seen:
            raise EdxmlError(
                f"To[{index}]/OrganId",
                f"cơ quan nhận {organ.organ_id} bị trùng",
                f"recipient {organ.organ_id} is listed twice",
            )
        seen.add(organ.organ_id)


def _check_code(doc: EdxmlDocument) -> None:
    _text("Code/CodeNumber", doc.code_number, 11, required=True)
    if not doc.code_number.isascii() or not doc.code_number.isdigit():
        raise EdxmlError(
            "Code/CodeNumber",
            f"số văn bản {doc.code_number!r} chỉ được gồm chữ số",
            f"document number {doc.code_number!r} must be digits only",
        )
    _text("Code/CodeNotation", doc.code_notation, 30, required=True)
    if any(ch.isspace() or ch in ",/" for ch in doc.code_notation):
        # "," and "/" separate the parts of DocumentId; Decree 30 allows no spaces.
        raise EdxmlError(
            "Code/CodeNotation",
            f"ký hiệu {doc.code_notation!r} không được chứa khoảng trắng, ',' hoặc '/'",
            f"notation {doc.code_notation!r} may not contain spaces, ',' or '/'",
        )
    _text("PromulgationInfo/Place", doc.place, 100)
    if not isinstance(doc.promulgation_date, dt.date):
        raise EdxmlError(
            "PromulgationInfo/PromulgationDate",
            "thiếu ngày ban hành",
            "the promulgation date is missing",
        )
    _text("DocumentType/Type", doc.document_type, 10, required=True)
    if not doc.document_type.isascii() or not doc.document_type.isdigit():
        raise EdxmlError(
            "DocumentType/Type",
            f"mã loại văn bản {doc.document_type!r} phải là số",
            f"document type code {doc.document_type!r} must be numeric",
        )
    _text("DocumentType/TypeName", doc.type_name, 100)
    _text("Subject", doc.subject, 500, required=True)


def _check_rest(doc: EdxmlDocument) -> None:
    _text("SignerInfo/Competence", doc.signer_competence, 100)
    _text("SignerInfo/Position", doc.signer_position, 100)
    _text("SignerInfo/FullName", doc.signer_full_name, 100, required=True)
    _int_range("OtherInfo/Priority", doc.priority, 0, 4)
    _int_range("SteeringType", doc.steering_type, 0, 9)
    if doc.page_amount is not None:
        _int_range("OtherInfo/PageAmount", doc.page_amount, 1, 1_000_000)
    for index, place in enumerate(doc.to_places, 1):
        _text(f"ToPlaces/Place[{index}]", place, 1000)
    for index, answered in enumerate(doc.response_for, 1):
        _check_response_for(f"ResponseFor[{index}]", answered)
    _int_range("Bussiness/BussinessDocType", doc.business_doc_type, 0, 3)
    _text(
        "Bussiness/BussinessDocReason",
        doc.business_reason,
        500,
        required=doc.business_doc_type != 0,
    )
    _check_replaces(doc)
    _text("Bussiness/StaffInfo/Staff", doc.staff_name, 100)
    _text("Bussiness/StaffInfo/Department", doc.staff_department, 200)
    _text("Bussiness/StaffInfo/Email", doc.staff_email, 100)
    _text("Bussiness/StaffInfo/Mobile", doc.staff_mobile, 30)
    if doc.timestamp is not None and not isinstance(doc.timestamp, dt.datetime):
        raise EdxmlError("TraceHeader/Timestamp", "phải là thời điểm", "must be a date and time")
    if doc.business_doc_type == 0 and not doc.files:
        raise EdxmlError(
            "Attachment",
            "văn bản mới phải kèm ít nhất một tệp",
            "a new document must carry at least one file",
        )
    _check_files(doc.files)


def _check_response_for(path: str, answered: ResponseFor) -> None:
    if not isinstance(answered, ResponseFor):
        raise EdxmlError(path, "phải là ResponseFor", "must be a ResponseFor")
    _check_organ(path, Organ(answered.organ_id, "-"))
    # CodeNumber (11) + "/" + CodeNotation (30): the answered document's own limits.
    _text(f"{path}/Code", answered.code, 42, required=True)
    if not isinstance(answered.promulgation_date, dt.date):
        raise EdxmlError(
            f"{path}/PromulgationDate",
            "thiếu ngày ban hành của văn bản được trả lời",
            "the answered document's promulgation date is missing",
        )
    _text(f"{path}/DocumentId", answered.document_id, 200, required=True)


def _check_replaces(doc: EdxmlDocument) -> None:
    path = "Bussiness/ReplacementInfoList"
    if doc.business_doc_type == 3 and not doc.replaces:
        raise EdxmlError(
            path,
            "văn bản thay thế phải nêu văn bản bị thay thế",
            "a replacement must name the document it replaces",
        )
    if doc.business_doc_type != 3 and doc.replaces:
        raise EdxmlError(
            path,
            "chỉ văn bản thay thế (BussinessDocType 3) mới nêu văn bản bị thay thế",
            "only a replacement (BussinessDocType 3) names documents it replaces",
        )
    seen: set[str] = set()
    for index, document_id in enumerate(doc.replaces, 1):
        item = f"{path}/ReplacementInfo[{index}]/DocumentId"
        _text(item, document_id, 200, required=True)
        if document_id in seen:
            raise EdxmlError(
                item, f"{document_id} bị nêu hai lần", f"{document_id} is listed twice"
            )
        seen.add(document_id)


def _check_files(files: list[EdxmlFile]) -> None:
    cids: set[str] = set()
    for index, cid in enumerate(_content_ids(files), 1):
        item = files[index - 1]
        path = f"Attachment[{index}]"
        _text(f"{path}/AttachmentName", item.name, 255, required=True)
        _text(f"{path}/ContentType", item.content_type, 100, required=True)
        _text(f"{path}/Description", item.description, 500)
        _text(f"{path}/ContentId", cid, 100)
        if not isinstance(item.data, bytes | bytearray):
            raise EdxmlError(f"{path}/ContentTransferEncoded", "phải là bytes", "must be bytes")
        if cid in cids:
            raise EdxmlError(
                f"{path}/ContentId",
                f"ContentId {cid} bị trùng",
                f"ContentId {cid} is used twice",
            )
        cids.add(cid)


def _content_ids(files: list[EdxmlFile]) -> list[str]:
    # Stable ids by position, so two builds of the same document give the same bytes.
    return [item.content_id or f"cid:{index}" for index, item in enumerate(files, 1)]


def check_status(status: EdxmlStatus) -> None:
    """Raise :class:`EdxmlError` naming the first field of ``status`` that breaks a rule."""
    _check_organ("From", status.sender)
    _text("ResponseFor/DocumentId", status.response_for, 200, required=True)
    if status.response_for_organ:
        _check_organ("ResponseFor", Organ(status.response_for_organ, "-"))
    if status.status_code not in STATUS_CODES:
        raise EdxmlError(
            "StatusCode",
            f"mã trạng thái {status.status_code!r} không có trong " + ", ".join(STATUS_CODES),
            f"status code {status.status_code!r} is not one of " + ", ".join(STATUS_CODES),
        )
    _text("Description", status.description, 500)
    _text("StaffInfo/Staff", status.staff_name, 100)
    _text("StaffInfo/Department", status.staff_department, 200)


# ---------------------------------------------------------------------------------------------
# Writing


# Tags are written literally ("edXML:From") rather than as "{uri}From": ElementTree would
# otherwise invent "ns0:" prefixes, and the clients' samples (and receivers that match strings)
# use exactly these prefixes. The root declares both the default namespace and the edXML prefix,
# both bound to NAMESPACE, so prefixed and unprefixed names resolve to the same namespace.


def _sub(parent: ET.Element, name: str, text: str | None = None, prefix: bool = True):
    element = ET.SubElement(parent, f"edXML:{name}" if prefix else name)
    if text is not None:
        element.text = str(text)
    return element


def _organ_element(parent: ET.Element, tag: str, organ: Organ) -> None:
    node = _sub(parent, tag)
    _sub(node, "OrganId", organ.organ_id)
    _sub(node, "OrganizationInCharge", organ.in_charge)
    _sub(node, "OrganName", organ.name)
    _sub(node, "OrganAdd", organ.address)
    _sub(node, "Email", organ.email)
    _sub(node, "Telephone", organ.telephone)
    _sub(node, "Fax", organ.fax)
    _sub(node, "Website", organ.website)


def _root() -> tuple[ET.Element, ET.Element, ET.Element]:
    root = ET.Element("edXML", {"xmlns": NAMESPACE, "xmlns:edXML": NAMESPACE})
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    return root, envelope, header


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _stamp(moment: dt.datetime | None) -> str:
    # Naive datetimes are UTC, as everywhere in this package (vntime.to_vn): Odoo keeps them so.
    return to_vn(moment or now_vn()).strftime(TIMESTAMP_FORMAT)


def build_document(doc: EdxmlDocument) -> bytes:
    """The edXML message (UTF-8 bytes with an XML declaration) for ``doc``, after
    :func:`check_document`."""
    check_document(doc)
    root, envelope, header = _root()
    _message_element(header, doc)
    _trace_element(header, doc)
    _attachment_elements(root, envelope, doc.files)
    return _serialize(root)


def _message_element(header: ET.Element, doc: EdxmlDocument) -> ET.Element:
    message = _sub(header, "MessageHeader")
    _organ_element(message, "From", doc.sender)
    for organ in doc.recipients:
        _organ_element(message, "To", organ)
    _sub(message, "DocumentId", doc.document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", doc.code_number)
    _sub(code, "CodeNotation", doc.code_notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", doc.place)
    _sub(promulgation, "PromulgationDate", _day(doc.promulgation_date).strftime(DATE_FORMAT))
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", doc.document_type)
    _sub(doc_type, "TypeDetail", "0")
    _sub(doc_type, "TypeName", doc.type_name)
    _sub(message, "Subject", doc.subject)
    # The samples repeat the subject as Content (the summary); we have no other summary.
    _sub(message, "Content", doc.subject)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", doc.signer_competence)
    _sub(signer, "Position", doc.signer_position)
    _sub(signer, "FullName", doc.signer_full_name)
    _sub(message, "DueDate", "")
    _other_elements(message, doc)
    return message


def _other_elements(message: ET.Element, doc: EdxmlDocument) -> None:
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", str(doc.priority))
    _sub(other, "SphereOfPromulgation", "")
    _sub(other, "TyperNotation", "")
    # Numeric fields we do not know (PromulgationAmount, PageAmount when unset) are left out
    # rather than written empty: an empty string is not a number to a typed reader.
    if doc.page_amount is not None:
        _sub(other, "PageAmount", str(doc.page_amount))
    _sub(other, "Direction", "false")
    # Where the samples put it (edoc_revocation.edxml): after OtherInfo, before SteeringType;
    # the children in the order of the status samples' ResponseFor.
    for answered in doc.response_for:
        response = _sub(message, "ResponseFor")
        _sub(response, "OrganId", answered.organ_id)
        _sub(response, "Code", answered.code)
        _sub(response, "PromulgationDate", _day(answered.promulgation_date).strftime(DATE_FORMAT))
        _sub(response, "DocumentId", answered.document_id)
    _sub(message, "SteeringType", str(doc.steering_type))
    places = _sub(message, "ToPlaces")
    for place in doc.to_places:
        _sub(places, "Place", place)


def _trace_element(header: ET.Element, doc: EdxmlDocument) -> None:
    traces = _sub(header, "TraceHeaderList")
    trace = _sub(traces, "TraceHeader")
    _sub(trace, "OrganId", doc.sender.organ_id)
    _sub(trace, "Timestamp", _stamp(doc.timestamp))
    business = _sub(traces, "Bussiness")  # sic: the standard's spelling
    _sub(business, "DocumentId", doc.document_id)
    _sub(business, "BussinessDocType", str(doc.business_doc_type))
    _sub(business, "BussinessDocReason", doc.business_reason)
    _sub(business, "Paper", "0")
    if doc.replaces:
        # As edoc_replacement.edxml: after Paper, before StaffInfo. OrganIdList names who had
        # the replaced document; a replacement goes to the same recipients.
        replacements = _sub(business, "ReplacementInfoList")
        for document_id in doc.replaces:
            info = _sub(replacements, "ReplacementInfo")
            _sub(info, "DocumentId", document_id)
            organs = _sub(info, "OrganIdList")
            for organ in doc.recipients:
                _sub(organs, "OrganId", organ.organ_id)
    staff = _sub(business, "StaffInfo")
    _sub(staff, "Department", doc.staff_department)
    _sub(staff, "Staff", doc.staff_name)
    _sub(staff, "Email", doc.staff_email)
    _sub(staff, "Mobile", doc.staff_mobile)


def _attachment_elements(root: ET.Element, envelope: ET.Element, files: list[EdxmlFile]) -> None:
    if files:
        manifest = _sub(_sub(envelope, "edXMLBody"), "edXMLManifest")
        manifest.set("version", "1.0")
        attachments = _sub(root, "AttachmentEncoded", prefix=False)
        for item, cid in zip(files, _content_ids(files), strict=True):
            reference = _sub(manifest, "Reference")
            _sub(reference, "ContentId", cid)
            _sub(reference, "ContentType", item.content_type)
            _sub(reference, "Description", item.description)
            _sub(reference, "AttachmentName", item.name)
            attachment = _sub(attachments, "Attachment", prefix=False)
            _sub(attachment, "ContentId", cid, prefix=False)
            _sub(attachment, "AttachmentName", item.name, prefix=False)
            _sub(attachment, "Description", item.description, prefix=False)
            _sub(attachment, "ContentType", item.content_type, prefix=False)
            # Plain base64 of the file itself. The vendor SDKs zip each file first and send
            # application/zip; we do not: the receiver gets the signed PDF byte for byte, and
            # ContentType says what it is.
            encoded = base64.b64encode(bytes(item.data)).decode("ascii")
            _sub(attachment, "ContentTransferEncoded", encoded)


def _split_document_id(document_id: str) -> tuple[str, str, str]:
    parts = document_id.split(",", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("", "", "")


def build_status(status: EdxmlStatus) -> bytes:
    """The edXML status message for ``status``, after :func:`check_status`."""
    check_status(status)
    root, _envelope, header = _root()
    message = _sub(header, "MessageHeader")
    _organ_element(message, "From", status.sender)
    organ, day, code = _split_document_id(status.response_for)
    # The sample repeats the DocumentId's parts (organ, code, date) beside it.
    response = _sub(message, "ResponseFor")
    _sub(response, "OrganId", status.response_for_organ or organ)
    _sub(response, "Code", code)
    _sub(response, "PromulgationDate", day)
    _sub(response, "DocumentId", status.response_for)
    staff = _sub(message, "StaffInfo")
    _sub(staff, "Department", status.staff_department)
    _sub(staff, "Staff", status.staff_name)
    _sub(message, "StatusCode", status.status_code)
    _sub(message, "Description", status.description)
    _sub(message, "Timestamp", _stamp(status.timestamp))
    return _serialize(root)


# ---------------------------------------------------------------------------------------------
# Reading


class _Stop(Exception):
    """Raised from a parser callback to end a scan early."""


def _refuse_dtd(*_args) -> None:
    # No edXML message needs a DTD; refusing it at the declaration stops entity expansion
    # attacks (billion laughs, external entities / XXE) before anything is expanded.
    # defusedxml is not installed in this venv, so the guard is ours.
    raise EdxmlError(
        "edXML",
        "thông điệp chứa khai báo DOCTYPE/ENTITY, bị từ chối",
        "the message carries a DOCTYPE/ENTITY declaration and is refused",
    )


def _expat(start, end=None, data=None):
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if data:
        parser.CharacterDataHandler = data
    return parser


def _tag(name: str) -> str:
    # expat gives "uri}local" for namespaced names; ElementTree's spelling is "{uri}local".
    return "{" + name if "}" in name else name


def _guard_size(data: bytes) -> None:
    if not isinstance(data, bytes | bytearray):
        raise EdxmlError("edXML", "thông điệp phải là bytes", "the message must be bytes")
    if len(data) > MAX_MESSAGE_BYTES:
        raise EdxmlError(
            "edXML",
            f"thông điệp quá lớn ({len(data)} byte, tối đa {MAX_MESSAGE_BYTES})",
            f"the message is too large ({len(data)} bytes, at most {MAX_MESSAGE_BYTES})",
        )


def _malformed(exc: Exception) -> EdxmlError:
    return EdxmlError("edXML", f"XML không hợp lệ: {exc}", f"the XML is not well-formed: {exc}")


def _parse_tree(data: bytes) -> ET.Element:
    _guard_size(data)
    builder = ET.TreeBuilder()
    parser = _expat(
        lambda name, attrs: builder.start(_tag(name), {_tag(k): v for k, v in attrs.items()}),
        lambda name: builder.end(_tag(name)),
        builder.data,
    )
    try:
        parser.Parse(bytes(data), True)
    except expat.ExpatError as exc:
        raise _malformed(exc) from None
    root = builder.close()
    if root.tag != f"{{{NAMESPACE}}}edXML":
        raise EdxmlError(
            "edXML",
            f"phần tử gốc là {root.tag!r}, cần edXML trong không gian tên {NAMESPACE}",
            f"the root element is {root.tag!r}, expected edXML in namespace {NAMESPACE}",
        )
    return root


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    # Children are matched by local name: the root is already checked to be in NAMESPACE, and
    # some clients write AttachmentEncoded's children without a namespace.
    if element is None:
        return []
    return [child for child in element if _local(child) == name]


def _find(element: ET.Element | None, path: str) -> ET.Element | None:
    for name in path.split("/"):
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _value(element: ET.Element | None, path: str) -> str:
    node = _find(element, path)
    return (node.text or "").strip() if node is not None else ""


def _required(element: ET.Element | None, path: str, field_path: str | None = None) -> str:
    text = _value(element, path)
    if not text:
        raise EdxmlError(
            field_path or path, "thiếu trong thông điệp", "is missing from the message"
        )
    return text


def _int(element: ET.Element | None, path: str, default: int | None) -> int | None:
    text = _value(element, path)
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise EdxmlError(
            path, f"{text!r} không phải số nguyên", f"{text!r} is not an integer"
        ) from None


def _parse_date(path: str, text: str) -> dt.date:
    # The standard writes yyyy/MM/dd; one sample (edoc_new.edxml) has dd/MM/yyyy, so read both.
    for pattern in (DATE_FORMAT, "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise EdxmlError(
        path, f"ngày {text!r} không đúng dạng yyyy/MM/dd", f"date {text!r} is not yyyy/MM/dd"
    )


def _parse_timestamp(path: str, text: str) -> dt.datetime | None:
    if not text:
        return None
    for pattern in (TIMESTAMP_FORMAT, "%d/%m/%Y %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=VN_TZ)
        except ValueError:
            continue
    raise EdxmlError(
        path,
        f"thời điểm {text!r} không đúng dạng yyyy/MM/dd HH:mm:ss",
        f"timestamp {text!r} is not yyyy/MM/dd HH:mm:ss",
    )


def _parse_organ(element: ET.Element | None, path: str) -> Organ:
    if element is None:
        raise EdxmlError(path, "thiếu trong thông điệp", "is missing from the message")
    return Organ(
        organ_id=_required(element, "OrganId", f"{path}/OrganId"),
        name=_value(element, "OrganName"),
        in_charge=_value(element, "OrganizationInCharge"),
        address=_value(element, "OrganAdd"),
        email=_value(element, "Email"),
        telephone=_value(element, "Telephone"),
        fax=_value(element, "Fax"),
        website=_value(element, "Website"),
    )


def _message_header(root: ET.Element) -> ET.Element:
    message = _find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    if message is None:
        raise EdxmlError(
            "MessageHeader",
            "thiếu edXMLEnvelope/edXMLHeader/MessageHeader",
            "edXMLEnvelope/edXMLHeader/MessageHeader is missing",
        )
    return message


def _parse_files(root: ET.Element) -> list[EdxmlFile]:
    manifest = _find(root, "edXMLEnvelope/edXMLBody/edXMLManifest")
    references = {_value(ref, "ContentId"): ref for ref in _children(manifest, "Reference")}
    files = []
    for index, attachment in enumerate(
        _children(_find(root, "AttachmentEncoded"), "Attachment"), 1
    ):
        path = f"Attachment[{index}]"
        cid = _value(attachment, "ContentId")
        # The Attachment's own fields win; the manifest Reference fills what it leaves out.
        reference = references.get(cid)
        encoded = _find(attachment, "ContentTransferEncoded")
        if encoded is None:
            raise EdxmlError(
                f"{path}/ContentTransferEncoded",
                "thiếu nội dung tệp",
                "the file content is missing",
            )
        try:
            data = base64.b64decode("".join((encoded.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise EdxmlError(
                f"{path}/ContentTransferEncoded",
                "nội dung tệp không phải base64 hợp lệ",
                "the file content is not valid base64",
            ) from None
        files.append(
            EdxmlFile(
                name=_value(attachment, "AttachmentName") or _value(reference, "AttachmentName"),
                content_type=_value(attachment, "ContentType") or _value(reference, "ContentType"),
                data=data,
                description=_value(attachment, "Description") or _value(reference, "Description"),
                content_id=cid,
            )
        )
        if not files[-1].name:
            raise EdxmlError(f"{path}/AttachmentName", "thiếu tên tệp", "the file name is missing")
    return files


def _parse_response_for(message: ET.Element) -> list[ResponseFor]:
    answered = []
    for index, node in enumerate(_children(message, "ResponseFor"), 1):
        path = f"ResponseFor[{index}]"
        day = _value(node, "PromulgationDate")
        answered.append(
            ResponseFor(
                organ_id=_value(node, "OrganId"),
                code=_value(node, "Code"),
                promulgation_date=_parse_date(f"{path}/PromulgationDate", day) if day else None,
                document_id=_required(node, "DocumentId", f"{path}/DocumentId"),
            )
        )
    return answered


def _parse_replaces(business: ET.Element | None) -> list[str]:
    # One sample repeats the same ReplacementInfo; a DocumentId is kept once.
    replaced: list[str] = []
    infos = _children(_find(business, "ReplacementInfoList"), "ReplacementInfo")
    for index, info in enumerate(infos, 1):
        path = f"Bussiness/ReplacementInfoList/ReplacementInfo[{index}]/DocumentId"
        document_id = _required(info, "DocumentId", path)
        if document_id not in replaced:
            replaced.append(document_id)
    return replaced


def parse_document(data: bytes) -> EdxmlDocument:
    """The :class:`EdxmlDocument` of an edXML document message.

    Checks structure only (required parts present, dates, numbers, base64); call
    :func:`check_document` on the result to apply the sending rules as well.
    """
    root = _parse_tree(data)
    message = _message_header(root)
    recipients = [
        _parse_organ(node, f"To[{index}]") for index, node in enumerate(_children(message, "To"), 1)
    ]
    if not recipients:
        raise EdxmlError("To", "thiếu cơ quan nhận", "no recipient in the message")
    trace_list = _find(root, "edXMLEnvelope/edXMLHeader/TraceHeaderList")
    business = _find(trace_list, "Bussiness")
    return EdxmlDocument(
        sender=_parse_organ(_find(message, "From"), "From"),
        recipients=recipients,
        code_number=_required(message, "Code/CodeNumber"),
        code_notation=_required(message, "Code/CodeNotation"),
        place=_value(message, "PromulgationInfo/Place"),
        promulgation_date=_parse_date(
            "PromulgationInfo/PromulgationDate",
            _required(message, "PromulgationInfo/PromulgationDate"),
        ),
        document_type=_value(message, "DocumentType/Type"),
        type_name=_value(message, "DocumentType/TypeName"),
        subject=_required(message, "Subject"),
        signer_competence=_value(message, "SignerInfo/Competence"),
        signer_position=_value(message, "SignerInfo/Position"),
        signer_full_name=_value(message, "SignerInfo/FullName"),
        priority=_int(message, "OtherInfo/Priority", 0),
        steering_type=_int(message, "SteeringType", 0),
        business_doc_type=_int(business, "BussinessDocType", 0),
        business_reason=_value(business, "BussinessDocReason"),
        staff_name=_value(business, "StaffInfo/Staff"),
        staff_department=_value(business, "StaffInfo/Department"),
        staff_email=_value(business, "StaffInfo/Email"),
        staff_mobile=_value(business, "StaffInfo/Mobile"),
        timestamp=_parse_timestamp(
            "TraceHeader/Timestamp", _value(trace_list, "TraceHeader/Timestamp")
        ),
        files=_parse_files(root),
        to_places=[
            (node.text or "").strip()
            for node in _children(_find(message, "ToPlaces"), "Place")
            if (node.text or "").strip()
        ],
        page_amount=_int(message, "OtherInfo/PageAmount", None),
        response_for=_parse_response_for(message),
        replaces=_parse_replaces(business),
        received_document_id=_value(message, "DocumentId"),
    )


def parse_status(data: bytes) -> EdxmlStatus:
    """The :class:`EdxmlStatus` of an edXML status message."""
    root = _parse_tree(data)
    message = _message_header(root)
    status_code = _required(message, "StatusCode")
    if status_code not in STATUS_CODES:
        raise EdxmlError(
            "StatusCode",
            f"mã trạng thái {status_code!r} không xác định",
            f"unknown status code {status_code!r}",
        )
    return EdxmlStatus(
        sender=_parse_organ(_find(message, "From"), "From"),
        response_for=_required(message, "ResponseFor/DocumentId"),
        status_code=status_code,
        response_for_organ=_value(message, "ResponseFor/OrganId"),
        description=_value(message, "Description"),
        timestamp=_parse_timestamp("Timestamp", _value(message, "Timestamp")),
        staff_name=_value(message, "StaffInfo/Staff"),
        staff_department=_value(message, "StaffInfo/Department"),
    )


# MessageHeader children that only one kind of message has. A document may also carry
# ResponseFor (a reply), so that name decides nothing; To comes right after From in a document.
_DOCUMENT_MARKS = {"To", "DocumentId", "Code", "Subject"}
_STATUS_MARKS = {"StatusCode"}
# Anywhere in the message, these belong to a document only (a status carries no files).
_DOCUMENT_PARTS = {"edXMLBody", "AttachmentEncoded", "TraceHeaderList"}


def message_kind(data: bytes) -> str:
    """``"document"`` or ``"status"``: streams the message and stops at the first element that
    tells, so a document's base64 files are never read."""
    _guard_size(data)
    found: list[str] = []
    stack: list[str] = []  # local names of the open elements

    def start(name: str, _attrs) -> None:
        tag = _tag(name)
        if not stack and tag != f"{{{NAMESPACE}}}edXML":
            raise EdxmlError(
                "edXML",
                f"phần tử gốc là {tag!r}, cần edXML trong không gian tên {NAMESPACE}",
                f"the root element is {tag!r}, expected edXML in namespace {NAMESPACE}",
            )
        local = tag.rpartition("}")[2]
        # Only MessageHeader's own children decide: a status's ResponseFor also holds a
        # DocumentId and a Code.
        in_header = bool(stack) and stack[-1] == "MessageHeader"
        if local in _DOCUMENT_PARTS or (in_header and local in _DOCUMENT_MARKS):
            found.append("document")
        elif in_header and local in _STATUS_MARKS:
            found.append("status")
        if found:
            raise _Stop
        stack.append(local)

    def end(_name: str) -> None:
        stack.pop()

    parser = _expat(start, end)
    view = memoryview(bytes(data))
    try:
        for offset in range(0, len(view), 65536):
            parser.Parse(bytes(view[offset : offset + 65536]), False)
        parser.Parse(b"", True)
    except _Stop:
        return found[0]
    except expat.ExpatError as exc:
        raise _malformed(exc) from None
    raise EdxmlError(
        "MessageHeader",
        "không nhận ra loại thông điệp (văn bản hay trạng thái)",
        "cannot tell whether the message is a document or a status",
    )
