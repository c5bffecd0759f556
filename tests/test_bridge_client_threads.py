"""One BridgeClient shared by many threads (BridgeSigner's pool, a threaded web server):
requests does not promise that a Session is thread-safe, so no Session may ever be inside two
requests at once, and keep-alive must survive (one connection per thread, not per call)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import threading
from collections import Counter

import requests
import urllib3.connectionpool
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from helpers_bridge import signed_attrs

from snn_sign.bridge.client import BridgeClient

THREADS = 16
ROUNDS = 3  # signatures per thread, to see connections reused


def test_sixteen_threads_share_one_client_safely(bridge, monkeypatch):
    cert = x509.load_pem_x509_certificate(bridge.client.key("signer")["certificate"].encode())
    lock = threading.Lock()
    inside: Counter[int] = Counter()  # id(session) -> requests running on it now
    overlaps: list[int] = []
    new_connections = 0
    real_request = requests.Session.request
    real_new_conn = urllib3.connectionpool.HTTPConnectionPool._new_conn

    def watched_request(self, *args, **kwargs):
        with lock:
            inside[id(self)] += 1
            if inside[id(self)] > 1:
                overlaps.append(id(self))
        try:
            return real_request(self, *args, **kwargs)
        finally:
            with lock:
                inside[id(self)] -= 1

    def counted_new_conn(self):
        nonlocal new_connections
        with lock:
            new_connections += 1
        return real_new_conn(self)

    monkeypatch.setattr(requests.Session, "request", watched_request)
    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "_new_conn", counted_new_conn)
    start = threading.Barrier(THREADS)

    with BridgeClient(bridge.url, bridge.client_name, bridge.secret) as client:

        def sign_some(_: int) -> list[tuple[bytes, bytes, bytes]]:
            start.wait()  # all threads call at once
            results = []
            for _ in range(ROUNDS):
                digest = hashlib.sha256(os.urandom(8)).digest()
                attrs = signed_attrs(digest)
                results.append((digest, attrs, client.sign("signer", attrs)))
            return results

        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            results = [r for batch in pool.map(sign_some, range(THREADS)) for r in batch]

    assert len(results) == THREADS * ROUNDS
    for _, attrs, signature in results:
        cert.public_key().verify(signature, attrs, padding.PKCS1v15(), hashes.SHA256())
    assert overlaps == [], "a requests.Session was used by two threads at once"
    assert new_connections <= THREADS, f"{new_connections} connections: keep-alive lost"
    log = bridge.log_text()
    assert all(digest.hex() in log for digest, _, _ in results)
