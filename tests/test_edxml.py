"""edXML (QCVN 102:2016) writer, parser and checks: snn_edxml.edxml."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from snn_edxml import edxml
from snn_edxml.edxml import (
    NAMESPACE,
    STATUS_CODES,
    EdxmlDocument,
    EdxmlError,
    EdxmlFile,
    EdxmlStatus,
    Organ,
    ResponseFor,
)

N = f"{{{NAMESPACE}}}"
VN = dt.timezone(dt.timedelta(hours=7))
PDF = b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary \x80\x81\n%%EOF\n"
PNG = bytes(range(256)) * 3


SENDER = Organ("000.00.11.H53", "Sở Nông nghiệp và Môi trường", "UBND tỉnh Tuyên Quang")
SENDER.address, SENDER.email, SENDER.telephone = "Số 1, đường 17/8", "snn@tq.gov.vn", "0207 38"


def make_doc(**changes) -> EdxmlDocument:
    doc = EdxmlDocument(
        sender=SENDER,
        recipients=[
            Organ("000.00.00.H53", "Ủy ban nhân dân tỉnh Tuyên Quang", email="ubnd@tq.gov.vn"),
            Organ("000.00.02.G22", "Văn phòng Chính phủ", website="vpcp.vn"),
        ],
        code_number="05",
        code_notation="SNN-VP",
        place="Tuyên Quang",
        promulgation_date=dt.date(2025, 2, 18),
        document_type="1",
        type_name="Công văn",
        subject="V/v hướng dẫn phòng, chống rét đậm, rét hại cho cây trồng & vật nuôi <khẩn>",
        signer_competence="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_full_name="Nguyễn Văn Đức",
        priority=1,
        steering_type=1,
        staff_name="Trần Thị Hương",
        staff_department="Văn phòng Sở",
        staff_email="vanthu@snn.gov.vn",
        staff_mobile="0912000001",
        timestamp=dt.datetime(2025, 2, 18, 2, 30, 5, tzinfo=dt.timezone.utc),
        files=[
            EdxmlFile("05-SNN-VP.pdf", "application/pdf", PDF, "Công văn số 05"),
            EdxmlFile("phu-luc.png", "image/png", PNG),
        ],
        to_places=["Như trên;", "Lưu: VT, VP."],
        page_amount=2,
    )
    return dataclasses.replace(doc, **changes)


def test_round_trip_field_by_field():
    doc = make_doc()
    back = edxml.parse_document(edxml.build_document(doc))
    for name in [f.name for f in dataclasses.fields(EdxmlDocument)]:
        if name not in {"files", "timestamp", "received_document_id"}:
            assert getattr(back, name) == getattr(doc, name), name
    assert back.timestamp == doc.timestamp
    assert back.timestamp.utcoffset() == dt.timedelta(hours=7)
    assert [(f.name, f.content_type, f.data, f.description) for f in back.files] == [
        (f.name, f.content_type, f.data, f.description) for f in doc.files
    ]
    assert [f.content_id for f in back.files] == ["cid:1", "cid:2"]
    assert back.received_document_id == back.document_id == doc.document_id
    # received_document_id is outside equality; the writer filled the empty content ids.
    assert back == dataclasses.replace(doc, files=back.files)
    edxml.check_document(back)


def test_document_id_keeps_number_as_written():
    assert make_doc().document_id == "000.00.11.H53,2025/02/18,05/SNN-VP"
    vpcp = Organ("000.00.00.G22", "Văn phòng Chính phủ")
    doc = make_doc(sender=vpcp, code_number="7816", code_notation="VPCP-TTĐT")
    doc.promulgation_date = dt.date(2015, 9, 30)
    assert doc.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"


def test_xml_shape_matches_the_samples():
    data = edxml.build_document(make_doc())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="')
    text = data.decode("utf-8")
    assert "<edXML:Bussiness>" in text and "<edXML:BussinessDocType>0<" in text
    assert "<AttachmentEncoded>" in text and "<edXML:ContentTransferEncoded>" in text
    assert "<edXML:Timestamp>2025/02/18 09:30:05</edXML:Timestamp>" in text
    assert "<edXML:PromulgationDate>2025/02/18<" in text
    root = ET.fromstring(data)
    assert root.tag == N + "edXML"
    header = root.find(f"{N}edXMLEnvelope/{N}edXMLHeader")
    message = header.find(N + "MessageHeader")
    assert [e.tag for e in message][:3] == [N + "From", N + "To", N + "To"]
    assert message.findtext(f"{N}DocumentId") == "000.00.11.H53,2025/02/18,05/SNN-VP"
    business = header.find(f"{N}TraceHeaderList/{N}Bussiness")
    assert business.findtext(N + "DocumentId") == message.findtext(N + "DocumentId")
    manifest = root.find(f"{N}edXMLEnvelope/{N}edXMLBody/{N}edXMLManifest")
    assert manifest.get("version") == "1.0"
    refs = manifest.findall(N + "Reference")
    atts = root.findall(f"{N}AttachmentEncoded/{N}Attachment")
    assert [r.findtext(N + "ContentId") for r in refs] == ["cid:1", "cid:2"]
    assert [a.findtext(N + "ContentId") for a in atts] == ["cid:1", "cid:2"]
    assert [r.findtext(N + "AttachmentName") for r in refs] == ["05-SNN-VP.pdf", "phu-luc.png"]
    assert base64.b64decode(atts[0].findtext(N + "ContentTransferEncoded")) == PDF
    assert base64.b64decode(atts[1].findtext(N + "ContentTransferEncoded")) == PNG
    assert edxml.build_document(make_doc()) == data  # stable bytes


PDF_CID2 = EdxmlFile("a.pdf", "application/pdf", PDF, content_id="cid:2")


def _organ(organ_id="000.00.09.H53"):
    return Organ(organ_id, "Sở Tài chính")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sender": _organ("H53")}, "From/OrganId"),
        ({"sender": _organ("000.00.00.h53")}, "From/OrganId"),
        ({"sender": Organ("000.00.11.H53", "")}, "From/OrganName"),
        ({"recipients": []}, "To"),
        ({"recipients": [_organ(), _organ("000.00.0X.H53")]}, "To[2]/OrganId"),
        ({"recipients": [_organ(), _organ()]}, "To[2]/OrganId"),
        ({"code_number": ""}, "Code/CodeNumber"),
        ({"code_number": "123456789012"}, "Code/CodeNumber"),
        ({"code_number": "5a"}, "Code/CodeNumber"),
        ({"code_notation": ""}, "Code/CodeNotation"),
        ({"code_notation": "X" * 31}, "Code/CodeNotation"),
        ({"code_notation": "SNN VP"}, "Code/CodeNotation"),
        ({"promulgation_date": None}, "PromulgationInfo/PromulgationDate"),
        ({"document_type": "CV"}, "DocumentType/Type"),
        ({"subject": "  "}, "Subject"),
        ({"subject": "ă" * 501}, "Subject"),
        ({"subject": "bad \x01 char"}, "Subject"),
        ({"signer_full_name": ""}, "SignerInfo/FullName"),
        ({"priority": 5}, "OtherInfo/Priority"),
        ({"priority": -1}, "OtherInfo/Priority"),
        ({"business_doc_type": 4}, "Bussiness/BussinessDocType"),
        ({"business_doc_type": 1, "business_reason": ""}, "Bussiness/BussinessDocReason"),
        ({"business_doc_type": 3, "business_reason": " "}, "Bussiness/BussinessDocReason"),
        ({"files": []}, "Attachment"),
        ({"files": [EdxmlFile("", "application/pdf", PDF)]}, "Attachment[1]/AttachmentName"),
        ({"files": [PDF_CID2, EdxmlFile("b.pdf", "image/png", PNG)]}, "Attachment[2]/ContentId"),
    ],
)
def test_check_rules(changes, field):
    doc = make_doc(**changes)
    with pytest.raises(EdxmlError) as info:
        edxml.check_document(doc)
    error = info.value
    assert error.field == field
    assert field in error.vi and field in error.en
    assert error.vi != error.en and str(error) == f"{error.vi} / {error.en}"
    with pytest.raises(EdxmlError):
        edxml.build_document(doc)


def test_organ_id_error_names_the_expected_shape():
    with pytest.raises(EdxmlError) as info:
        edxml.check_document(make_doc(sender=_organ("1.2.3")))
    assert "000.00.00.H53" in info.value.en and "mã định danh" in info.value.vi


def test_recall_round_trip_without_files():
    doc = make_doc(business_doc_type=1, business_reason="Thu hồi do sai sót về thể thức", files=[])
    data = edxml.build_document(doc)
    back = edxml.parse_document(data)
    assert back == doc
    assert back.business_doc_type == 1 and back.business_reason == doc.business_reason
    assert b"edXMLManifest" not in data and edxml.message_kind(data) == "document"


@pytest.mark.parametrize("code", sorted(STATUS_CODES))
def test_status_round_trip(code):
    status = EdxmlStatus(
        sender=Organ("000.00.00.H53", "UBND tỉnh Tuyên Quang", address="Tuyên Quang"),
        response_for="000.00.11.H53,2025/02/18,05/SNN-VP",
        status_code=code,
        description=f"Trạng thái {STATUS_CODES[code]}: đã xử lý văn bản đến",
        timestamp=dt.datetime(2025, 2, 18, 15, 4, 5, tzinfo=VN),
        staff_name="Lê Thị Mai",
        staff_department="Văn thư",
    )
    data = edxml.build_status(status)
    assert edxml.message_kind(data) == "status"
    back = edxml.parse_status(data)
    assert back == dataclasses.replace(status, response_for_organ="000.00.11.H53")
    root = ET.fromstring(data)
    response = root.find(f"{N}edXMLEnvelope/{N}edXMLHeader/{N}MessageHeader/{N}ResponseFor")
    assert response.findtext(N + "Code") == "05/SNN-VP"
    assert response.findtext(N + "PromulgationDate") == "2025/02/18"


def test_status_checks():
    good = EdxmlStatus(Organ("000.00.00.H53", "UBND"), "000.00.11.H53,2025/02/18,05/SNN-VP", "05")
    for changes, field in [
        ({"status_code": "07"}, "StatusCode"),
        ({"response_for": ""}, "ResponseFor/DocumentId"),
        ({"sender": Organ("x", "UBND")}, "From/OrganId"),
    ]:
        with pytest.raises(EdxmlError) as info:
            edxml.build_status(dataclasses.replace(good, **changes))
        assert info.value.field == field


GOOD = edxml.build_document(make_doc())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"<edXML xmlns='" + NAMESPACE.encode() + b"'><unclosed></edXML>", "edXML"),
        (b"not xml at all", "edXML"),
        (GOOD.replace(NAMESPACE.encode(), b"http://example.org/other"), "edXML"),
        (GOOD.replace(b"edXML:Subject>", b"edXML:Sub>"), "Subject"),
        (GOOD.replace(b"<edXML:CodeNumber>05</edXML:CodeNumber>", b""), "Code/CodeNumber"),
        (GOOD.replace(b"2025/02/18</", b"18.2.2025</"), "PromulgationInfo/PromulgationDate"),
        (
            GOOD.replace(b"Transfer" + b"Encoded>", b"TransferEncoded>@", 1),
            "Attachment[1]/ContentTransferEncoded",
        ),
    ],
)
def test_bad_messages_refused(data, field):
    with pytest.raises(EdxmlError) as info:
        edxml.parse_document(data)
    assert info.value.field == field


@pytest.mark.parametrize(
    "attack",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<edXML xmlns="' + NAMESPACE.encode() + b'">&lol2;</edXML>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<edXML xmlns="' + NAMESPACE.encode() + b'"><s>&xxe;</s></edXML>',
    ],
)
def test_entity_attacks_refused(attack):
    for reader in (edxml.parse_document, edxml.parse_status, edxml.message_kind):
        with pytest.raises(EdxmlError) as info:
            reader(attack)
        assert "DOCTYPE" in info.value.en and info.value.field == "edXML"


def test_size_guard(monkeypatch):
    monkeypatch.setattr(edxml, "MAX_MESSAGE_BYTES", len(GOOD) - 1)
    with pytest.raises(EdxmlError, match="too large"):
        edxml.parse_document(GOOD)


# Shaped like QuangChuIT/edoc-integrator edoc_new.edxml (a real client's sample): dd/MM/yyyy
# date, unprefixed Signature, zipped attachment, empty signer, attachment names unprefixed.
SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>000.00.11.H53</edXML:OrganId>
          <edXML:OrganizationInCharge>Tỉnh Tây Ninh</edXML:OrganizationInCharge>
          <edXML:OrganName>Sở Tài chính</edXML:OrganName><edXML:OrganAdd/>
          <edXML:Email>stc@tayninh.gov.vn</edXML:Email><edXML:Telephone/></edXML:From>
        <edXML:To><edXML:OrganId>000.00.01.A53</edXML:OrganId>
          <edXML:OrganName>Văn phòng tỉnh ủy</edXML:OrganName></edXML:To>
        <edXML:DocumentId>000.00.11.H53,2020/10/30,2491/STC-BCTC</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>2491</edXML:CodeNumber>
          <edXML:CodeNotation>STC-BCTC</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo><edXML:Place>Tây Ninh</edXML:Place>
          <edXML:PromulgationDate>30/10/2020</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
        <edXML:Subject>Báo cáo tài chính tỉnh</edXML:Subject>
        <edXML:SignerInfo><edXML:Competence></edXML:Competence><edXML:FullName></edXML:FullName>
        </edXML:SignerInfo>
        <edXML:OtherInfo><edXML:Priority>0</edXML:Priority>
          <edXML:PromulgationAmount>2</edXML:PromulgationAmount>
          <edXML:PageAmount>22</edXML:PageAmount>
          <edXML:Appendixes><edXML:Appendix/></edXML:Appendixes></edXML:OtherInfo>
        <edXML:SteeringType>1</edXML:SteeringType>
        <edXML:ToPlaces><edXML:Place>Cac bo va co quan ngang bo</edXML:Place></edXML:ToPlaces>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Timestamp>2018/09/28 00:00:00</edXML:Timestamp></edXML:TraceHeader>
        <edXML:Bussiness><edXML:DocumentId>000.00.00.G22,2014/02/30,7806/VPCP-TTĐT</edXML:DocumentId>
          <edXML:BussinessDocType>0</edXML:BussinessDocType>
          <edXML:BussinessDocReason>Văn bản điện tử mới</edXML:BussinessDocReason>
          <edXML:Paper>0</edXML:Paper>
          <edXML:StaffInfo><edXML:Department>Văn thư văn phòng</edXML:Department>
            <edXML:Staff>Nguyễn Thị Ngọc Trâm</edXML:Staff></edXML:StaffInfo></edXML:Bussiness>
      </edXML:TraceHeaderList>
      <Signature><SignedInfo/><SignatureValue>AAAA</SignatureValue></Signature>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference>
      <edXML:ContentId>cid:209</edXML:ContentId><edXML:ContentType>application/zip</edXML:ContentType>
      <edXML:Description>1896_QD-TTg.doc</edXML:Description>
      <edXML:AttachmentName>1896_QD-TTg.doc</edXML:AttachmentName></edXML:Reference>
    </edXML:edXMLManifest></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment><ContentId>cid:209</ContentId>
      <AttachmentName>1896_QD-TTg.doc</AttachmentName><ContentType>application/zip</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">UEsDBBQACAgIAA==
      </edXML:ContentTransferEncoded></Attachment></AttachmentEncoded>
</edXML>
""".encode()


ZIP = "application/zip"


def test_parse_sample_shaped_like_open_client():
    assert edxml.message_kind(SAMPLE) == "document"
    doc = edxml.parse_document(SAMPLE)
    assert doc.sender.organ_id == "000.00.11.H53" and doc.sender.in_charge == "Tỉnh Tây Ninh"
    assert [r.organ_id for r in doc.recipients] == ["000.00.01.A53"]
    assert (doc.code_number, doc.code_notation) == ("2491", "STC-BCTC")
    assert doc.promulgation_date == dt.date(2020, 10, 30)
    assert doc.document_id == doc.received_document_id == "000.00.11.H53,2020/10/30,2491/STC-BCTC"
    assert (doc.subject, doc.page_amount, doc.steering_type) == ("Báo cáo tài chính tỉnh", 22, 1)
    assert doc.staff_name == "Nguyễn Thị Ngọc Trâm" and doc.business_reason == "Văn bản điện tử mới"
    assert doc.timestamp == dt.datetime(2018, 9, 28, tzinfo=VN)
    assert doc.to_places == ["Cac bo va co quan ngang bo"]
    [item] = doc.files
    assert (item.name, item.content_type, item.content_id) == ("1896_QD-TTg.doc", ZIP, "cid:209")
    assert item.data == base64.b64decode("UEsDBBQACAgIAA==")
    with pytest.raises(EdxmlError) as info:  # the sample leaves the signer empty
        edxml.check_document(doc)
    assert info.value.field == "SignerInfo/FullName"


def test_parse_status_sample():
    sample = (
        SAMPLE.split(b"<edXML:MessageHeader>")[0]
        + """<edXML:MessageHeader>
        <edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId>
          <edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName></edXML:From>
        <edXML:ResponseFor><edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Code>7816/VPCP-TTĐT</edXML:Code><edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate>
          <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId></edXML:ResponseFor>
        <edXML:StaffInfo><edXML:Department>Phong hanh chinh</edXML:Department>
          <edXML:Staff>Nguyen thi ngoc tram</edXML:Staff></edXML:StaffInfo>
        <edXML:StatusCode>05</edXML:StatusCode>
        <edXML:Description>Đang xử lý văn bản đến</edXML:Description>
        <edXML:Timestamp>2015/09/20 11:08:36</edXML:Timestamp>
      </edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>""".encode()
    )
    assert edxml.message_kind(sample) == "status"
    status = edxml.parse_status(sample)
    assert status.status_code == "05" and status.sender.organ_id == "000.00.00.H41"
    assert status.response_for == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert status.response_for_organ == "000.00.00.G22"
    assert status.staff_name == "Nguyen thi ngoc tram"
    assert status.timestamp == dt.datetime(2015, 9, 20, 11, 8, 36, tzinfo=VN)


# --------------------------------------------------------------------------- reply, replace
ANSWERED = [
    ResponseFor(
        "000.00.00.H53", "12/UBND-KT", dt.date(2025, 1, 2), "000.00.00.H53,2025/01/02,12/UBND-KT"
    ),
    ResponseFor(
        "000.00.02.G22",
        "7816/VPCP-TTĐT",
        dt.date(2015, 9, 30),
        "000.00.02.G22,2015/09/30,7816/VPCP-TTĐT",
    ),
]
REPLACED = ["000.00.11.H53,2025/02/01,04/SNN-VP", "000.00.11.H53,2025/02/03,06/SNN-VP"]


def test_response_for_and_replaces_round_trip():
    doc = make_doc(
        response_for=ANSWERED, business_doc_type=3, business_reason="Thay thế", replaces=REPLACED
    )
    data = edxml.build_document(doc)
    back = edxml.parse_document(data)
    assert back.response_for == ANSWERED
    assert back.replaces == REPLACED
    assert back == dataclasses.replace(doc, files=back.files)
    edxml.check_document(back)
    # Where the samples put them: ResponseFor after OtherInfo, before SteeringType
    # (edoc_revocation.edxml); ReplacementInfoList after Paper, before StaffInfo
    # (edoc_replacement.edxml), naming the recipients in OrganIdList.
    header = ET.fromstring(data).find(f"{N}edXMLEnvelope/{N}edXMLHeader")
    tags = [e.tag[len(N) :] for e in header.find(N + "MessageHeader")]
    assert tags[tags.index("OtherInfo") + 1 : tags.index("SteeringType")] == ["ResponseFor"] * 2
    first = header.find(f"{N}MessageHeader/{N}ResponseFor")
    assert [e.tag[len(N) :] for e in first] == ["OrganId", "Code", "PromulgationDate", "DocumentId"]
    assert first.findtext(N + "PromulgationDate") == "2025/01/02"
    business = header.find(f"{N}TraceHeaderList/{N}Bussiness")
    tags = [e.tag[len(N) :] for e in business]
    assert tags[tags.index("Paper") + 1 : tags.index("StaffInfo")] == ["ReplacementInfoList"]
    infos = business.findall(f"{N}ReplacementInfoList/{N}ReplacementInfo")
    assert [i.findtext(N + "DocumentId") for i in infos] == REPLACED
    assert [o.text for o in infos[0].findall(f"{N}OrganIdList/{N}OrganId")] == [
        "000.00.00.H53",
        "000.00.02.G22",
    ]


def test_plain_document_has_neither():
    data = edxml.build_document(make_doc())
    assert b"ResponseFor" not in data and b"ReplacementInfo" not in data
    back = edxml.parse_document(data)
    assert (back.response_for, back.replaces) == ([], [])


def test_response_for_of_a_received_document_quotes_it():
    received = edxml.parse_document(SAMPLE)  # its DocumentId as that client wrote it
    assert ResponseFor.of(received) == ResponseFor(
        "000.00.11.H53", "2491/STC-BCTC", dt.date(2020, 10, 30), received.received_document_id
    )
    reply = make_doc(response_for=[ResponseFor.of(received)])
    assert edxml.parse_document(edxml.build_document(reply)).response_for == [
        ResponseFor.of(received)
    ]


def _answered(**changes):
    return [dataclasses.replace(ANSWERED[0], **changes)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"response_for": _answered(organ_id="H53")}, "ResponseFor[1]/OrganId"),
        ({"response_for": _answered(code="")}, "ResponseFor[1]/Code"),
        ({"response_for": _answered(code="1" * 11 + "/" + "X" * 31)}, "ResponseFor[1]/Code"),
        ({"response_for": _answered(promulgation_date=None)}, "ResponseFor[1]/PromulgationDate"),
        ({"response_for": _answered(document_id=" ")}, "ResponseFor[1]/DocumentId"),
        ({"response_for": _answered(document_id="x" * 201)}, "ResponseFor[1]/DocumentId"),
        ({"response_for": [ANSWERED[0], "000.00.00.H53"]}, "ResponseFor[2]"),
        ({"business_doc_type": 3, "business_reason": "Thay"}, "Bussiness/ReplacementInfoList"),
        ({"replaces": REPLACED[:1]}, "Bussiness/ReplacementInfoList"),
        (
            {"business_doc_type": 3, "business_reason": "Thay", "replaces": ["", *REPLACED]},
            "Bussiness/ReplacementInfoList/ReplacementInfo[1]/DocumentId",
        ),
        (
            {"business_doc_type": 3, "business_reason": "Thay", "replaces": REPLACED * 2},
            "Bussiness/ReplacementInfoList/ReplacementInfo[3]/DocumentId",
        ),
    ],
)
def test_reply_and_replace_check_rules(changes, field):
    doc = make_doc(**changes)
    with pytest.raises(EdxmlError) as info:
        edxml.check_document(doc)
    assert info.value.field == field
    assert field in info.value.vi and field in info.value.en
    with pytest.raises(EdxmlError):
        edxml.build_document(doc)


# The samples' own shapes: ResponseFor children in edoc_revocation.edxml's order (DocumentId
# before PromulgationDate), and edoc_replacement.edxml's ReplacementInfo written twice.
SAMPLE_RESPONSE_FOR = b"""<edXML:ResponseFor>
          <edXML:OrganId>000.00.00.H14</edXML:OrganId>
          <edXML:Code>267/VPCP-TTDT</edXML:Code>
          <edXML:DocumentId>000.00.04.G14,2012/08/06,267/VPCP-TTDT</edXML:DocumentId>
          <edXML:PromulgationDate>2018/09/28</edXML:PromulgationDate>
        </edXML:ResponseFor>
        <edXML:SteeringType>"""
SAMPLE_REPLACEMENT = (
    b"""<edXML:Paper>0</edXML:Paper>
          <edXML:ReplacementInfoList>"""
    + 2
    * b"""
            <edXML:ReplacementInfo>
              <edXML:DocumentId>000.00.00.G22,2014/01/30,7806/VPCP-TTDT</edXML:DocumentId>
              <edXML:OrganIdList><edXML:OrganId>000.00.00.H41</edXML:OrganId>
                <edXML:OrganId>000.00.00.H14</edXML:OrganId></edXML:OrganIdList>
            </edXML:ReplacementInfo>"""
    + b"""
          </edXML:ReplacementInfoList>"""
)


def test_parse_reply_and_replacement_shaped_like_the_samples():
    data = SAMPLE.replace(b"<edXML:SteeringType>", SAMPLE_RESPONSE_FOR).replace(
        b"<edXML:Paper>0</edXML:Paper>", SAMPLE_REPLACEMENT
    )
    assert edxml.message_kind(data) == "document"
    doc = edxml.parse_document(data)
    assert doc.response_for == [
        ResponseFor(
            "000.00.00.H14",
            "267/VPCP-TTDT",
            dt.date(2018, 9, 28),
            "000.00.04.G14,2012/08/06,267/VPCP-TTDT",
        )
    ]
    assert doc.replaces == ["000.00.00.G22,2014/01/30,7806/VPCP-TTDT"]  # kept once
    assert doc.received_document_id == "000.00.11.H53,2020/10/30,2491/STC-BCTC"  # not ResponseFor's


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            b">2018/09/28</edXML:PromulgationDate>",
            b">28.9.2018</edXML:PromulgationDate>",
            "ResponseFor[1]/PromulgationDate",
        ),
        (
            b"<edXML:DocumentId>000.00.04.G14,2012/08/06,267/VPCP-TTDT</edXML:DocumentId>",
            b"",
            "ResponseFor[1]/DocumentId",
        ),
    ],
)
def test_bad_response_for_refused(old, new, field):
    reply = SAMPLE.replace(b"<edXML:SteeringType>", SAMPLE_RESPONSE_FOR)
    assert old in reply
    with pytest.raises(EdxmlError) as info:
        edxml.parse_document(reply.replace(old, new))
    assert info.value.field == field
