"""Test fixtures for the SNN signing packages, never installed in production:

- ``pki``: a test CA, signer and seal certificates and keys on a SoftHSM2 token
  (``create_demo_pki``), signature and seal images (``demo_images``);
- ``demo_bridge``: the real token bridge (snn-token-bridge) started on that token;
- ``demo_exchange``: a loopback stand-in of the provincial document exchange;
- ``trust_services``: the demo CA's OCSP responder, CRL and TSA on loopback;
- ``csc_service``: a CSC API v1 remote-signing service with the demo token's keys;
- ``sample_letter``: a sample outgoing letter as PDF (``make_letter_pdf``);
- ``pdf_reading``: the words poppler's pdftotext reads in a signature field.
"""
