"""Changes proposed by the receive bench, measured before they are made:
`bench/incoming_bench.py --try NAME[,NAME...]` applies them to its receiving process only.

Each is written as the change it stands for would be written where it belongs (the engine
snn_sign, or snn_incoming's models), so that the bench's figures with it are the figures the
change would give. Once a change is made there, its entry here goes (and --try NAME with it):
loop, index, statuses, trigger and todos are made (snn_incoming_receive.py,
snn_incoming_status.py, ir_attachment.py).

    hex       snn_sign: read a PDF hex string (a signature's /Contents) in one piece, not byte by
              byte as pyHanko does (pyhanko.pdf_utils.generic.read_hex_string_from_stream);
              anything but hex digits and PDF white space is left to pyHanko's own reader
    certs     snn_sign.verify: the trust roots and intermediates parsed once per distinct set,
              not for every file (pyHanko then also hashes their names once)
"""

from __future__ import annotations

import binascii
import functools
import logging
import re

_logger = logging.getLogger(__name__)
RECEIVING = "snn_incoming_receiving"  # context of the receive cron's run (trigger, index)


RECEIVE_BATCH = 100  # messages asked of the exchange at a time (its default limit)


def try_hex(_registry) -> None:
    from pyhanko.pdf_utils import generic  # noqa: PLC0415

    pyhanko_reader = generic.read_hex_string_from_stream
    plain = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
    white = re.compile(rb"[\x00\t\n\x0c\r ]+")

    def read_hex_string_from_stream(stream):
        start = stream.tell()
        stream.read(1)  # "<"
        chunks = []
        while True:
            chunk = stream.read(1 << 16)
            end = chunk.find(b">")
            chunks.append(chunk if end < 0 else chunk[:end])
            if end >= 0 or not chunk:
                break
        text = b"".join(chunks)
        if end < 0 or plain.fullmatch(text) is None:  # a comment, an error: pyHanko says
            stream.seek(start)
            return pyhanko_reader(stream)
        stream.seek(start + 1 + len(text) + 1)
        digits = white.sub(b"", text)
        return generic.pdf_string(binascii.unhexlify(digits + b"0" * (len(digits) % 2)))

    generic.read_hex_string_from_stream = read_hex_string_from_stream


def try_certs(_registry) -> None:
    from snn_sign import verify  # noqa: PLC0415

    parse = verify._load_certs

    @functools.lru_cache(maxsize=32)
    def parsed(items: tuple, what_vi: str, what_en: str) -> tuple:
        return tuple(parse(items, what_vi, what_en))

    def _load_certs(items, what_vi, what_en):
        return list(parsed(tuple(items), what_vi, what_en))

    verify._load_certs = _load_certs


PROPOSALS = {
    "hex": try_hex,
    "certs": try_certs,
}


def apply(registry, names: list[str]) -> None:
    for name, proposal in PROPOSALS.items():
        if name in names:
            proposal(registry)
