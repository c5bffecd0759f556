"""Bench: what lasting signatures cost per issued letter (snn_sign.longterm), phase by phase.

    .venv/bin/python bench/long_term_bench.py [--rounds 15]

A demo PKI whose certificates name an OCSP responder, a CRL and a TSA on 127.0.0.1
(snn_sign_testkit.trust_services), its keys on a SoftHSM2 token behind a real token bridge;
on the seed-like letter, the median of --rounds of each phase, alternately:
  (1) the CA asked about one certificate (check_revocation: an OCSP round trip);
  (2) the director's signature as before (B-B) and (3) with long_term (the CA asked again
      while signing, its answer in the DSS, a signature timestamp: B-LT), the difference being
      what lasting costs per signature;
  (4) the archive timestamp over the signed file (B-LTA);
  (5) verifying the B-LTA file (offline, from the embedded data).
The services answer on loopback in about a millisecond; a real CA's OCSP and TSA answer in
tens to hundreds of milliseconds, so the requests per phase are printed too (multiply them by
the real round trip). Not a test: figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from snn_sign.bridge.signer import BridgeSigner
from snn_sign.longterm import LongTermPolicy, add_document_timestamp, check_revocation
from snn_sign.signing import sign_pdf
from snn_sign.verify import verify_pdf
from snn_sign_testkit.demo_bridge import start_bridge
from snn_sign_testkit.pki import create_demo_pki
from snn_sign_testkit.sample_letter import make_letter_pdf
from snn_sign_testkit.trust_services import TrustServices


def timed(services: TrustServices, call):
    """(result, seconds, requests to the services) of one call."""
    asked = len(services.requests)
    began = time.perf_counter()
    result = call()
    return result, time.perf_counter() - began, len(services.requests) - asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="snn-long-term-bench-") as tmp:
        services = TrustServices.bind()
        pki = create_demo_pki(
            Path(tmp) / "pki", pin=f"P-{secrets.token_hex(6)}", services_url=services.url
        )
        services.serve(pki)
        bridge = start_bridge(Path(tmp) / "bridge", pki)
        try:
            return measure(args.rounds, services, pki, bridge)
        finally:
            bridge.stop()
            services.stop()


def measure(rounds, services, pki, bridge) -> int:
    policy = LongTermPolicy(trust_roots=(pki.ca_cert.read_bytes(),), tsa_url=services.tsa_url)
    signer = BridgeSigner(bridge.client, "signer")
    image = pki.signature_png.read_bytes()
    letter = make_letter_pdf()
    certificate = pki.signer_cert.read_bytes()
    phases = {name: [] for name in ("check", "b_b", "b_lt", "b_lta", "verify")}
    requests = {}
    for _round in range(rounds):
        _r, seconds, asked = timed(services, lambda: check_revocation(certificate, policy))
        phases["check"].append(seconds)
        requests["check"] = asked
        _r, seconds, asked = timed(
            services, lambda: sign_pdf(letter, signer, appearance="signer", image_png=image)
        )
        phases["b_b"].append(seconds)
        requests["b_b"] = asked
        signed, seconds, asked = timed(
            services,
            lambda: sign_pdf(
                letter, signer, appearance="signer", image_png=image, long_term=policy
            ),
        )
        phases["b_lt"].append(seconds)
        requests["b_lt"] = asked
        lta, seconds, asked = timed(services, partial(add_document_timestamp, signed, policy))
        phases["b_lta"].append(seconds)
        requests["b_lta"] = asked
        report, seconds, asked = timed(
            services, partial(verify_pdf, lta, [pki.ca_cert.read_bytes()])
        )
        phases["verify"].append(seconds)
        requests["verify"] = asked
        if not report.ok or report.signatures[0].level != "b_lta":
            print(f"the B-LTA file does not verify: {report.to_dict()}")
            return 1
    median = {name: statistics.median(values) * 1000 for name, values in phases.items()}
    print(f"long-term signing on the seed-like letter, median of {rounds} rounds (ms):")
    words = {
        "check": "the CA asked about one certificate",
        "b_b": "signer's signature, B-B (as before)",
        "b_lt": "signer's signature, long-term (B-LT)",
        "b_lta": "archive timestamp (B-LTA)",
        "verify": "verify the B-LTA file, offline",
    }
    for name, label in words.items():
        print(f"  {label:<40} {median[name]:8.1f} ms   {requests[name]} request(s)")
    extra = median["b_lt"] - median["b_b"]
    print(
        f"lasting costs {extra:.1f} ms per signature ({extra / median['b_b']:.2f}x of B-B) and "
        f"{median['b_lta']:.1f} ms per file, on loopback services; with a real CA add each "
        "request's round trip"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
