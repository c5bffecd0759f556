"""An agency on the exchange sends our organisation documents: the exchange is the local
stand-in of snn_sign_testkit.demo_exchange (the real provincial exchange cannot be reached
from here), where the agency's system and ours each read only their own agency's mailbox."""

import base64
import datetime as dt
import secrets

from odoo.addons.snn_dispatch.tests.common import (
    AGENCY_ORGAN_ID,
    OUR_ORGAN_ID,
    DispatchCase,
    exchange_values,
    put_exchange_secret,
    start_stand_in,
)
from odoo.addons.snn_signing.tests.common import SigningCase

from snn_edxml.edxml import EdxmlDocument, EdxmlFile, Organ, build_document, parse_status

AGENCY_SYSTEM = "stc-system"


def agency_message(pdf, number="125", notation="STC-QLNS", day=dt.date(2019, 5, 10), **values):
    """An edXML document from the Department of Finance (Sở Tài chính) to us, with ``pdf``."""
    document = EdxmlDocument(
        sender=Organ(organ_id=AGENCY_ORGAN_ID, name="Sở Tài chính tỉnh Tuyên Quang"),
        recipients=[Organ(organ_id=OUR_ORGAN_ID, name="Sở Nông nghiệp và PTNT")],
        code_number=number,
        code_notation=notation,
        place="Tuyên Quang",
        promulgation_date=day,
        document_type="1",
        type_name="Công văn",
        subject=values.pop("subject", "V/v thẩm định dự toán kinh phí năm 2019"),
        signer_competence="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_full_name="Hoàng Văn Tài",
        files=[EdxmlFile(name=f"{number}-{notation}.pdf", content_type="application/pdf", data=pdf)]
        if pdf
        else [],
        **values,
    )
    return build_document(document)


class IncomingCase(DispatchCase):
    """DispatchCase's organisation receiving from the Department of Finance, whose system
    is another system of the same stand-in. ``cls.signed_pdf``: a real file of the suite's own
    issue (signed by the director's and the seal's keys of the test PKI, which our
    organisation trusts)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        helper = object.__new__(cls)  # make_letter and walk are instance helpers
        letter = helper.walk(helper.make_letter(), "issued")
        cls.signed_pdf = base64.b64decode(letter.with_context(bin_size=False).signed_file)
        cls.assignee = cls.member_khtc

    def setUp(self):  # pylint: disable=method-required-super
        SigningCase.setUp(self)  # a stand-in of our own below, not DispatchCase's
        self.exchange = start_stand_in(
            self,
            systems={AGENCY_SYSTEM: secrets.token_hex(16).encode()},
            organs={"snn-demo": [OUR_ORGAN_ID], AGENCY_SYSTEM: [AGENCY_ORGAN_ID]},
        )
        put_exchange_secret(self.secrets_dir, self.company, self.exchange)
        self.company.write(exchange_values(self.exchange))

    def send_from_agency(self, pdf=None, **values):
        """The agency's system posts a document to us; its DocumentId."""
        data = agency_message(self.signed_pdf if pdf is None else pdf, **values)
        self.exchange.deliver(data, as_system_id=AGENCY_SYSTEM)
        return data

    def receive(self):
        """One run of the scheduled action, inside the test's transaction."""
        self.env["snn.incoming.document"]._cron_receive(commit=False)

    def statuses_sent(self):
        """The status codes our system sent the agency, in order."""
        return [
            parse_status(s["edxml"]).status_code
            for s in self.exchange.statuses_for(self.exchange.system_id)
        ]

    def received(self):
        return self.env["snn.incoming.document"].search(
            [("source", "=", "exchange"), ("company_id", "=", self.company.id)]
        )
