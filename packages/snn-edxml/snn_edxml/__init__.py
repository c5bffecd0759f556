"""edXML (QCVN 102:2016) messages (``snn_edxml.edxml``) and the client of a provincial document
exchange (``snn_edxml.exchange``). Plain Python: no Odoo import."""
