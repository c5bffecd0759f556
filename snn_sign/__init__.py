"""snn_sign: stamp, sign (PAdES through a PKCS#11 token bridge) and verify outgoing documents.

Plain Python: this package never imports Odoo. The Odoo module ``snn_signing`` calls it.
"""
