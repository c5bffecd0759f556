"""The caller side of the token bridge: request authentication (shared with the server), the
client and a pyHanko ``Signer`` that signs through it.

It imports no aiohttp and no PKCS#11: ``from snn_sign.bridge.client import BridgeClient`` and
``from snn_sign.bridge.signer import BridgeSigner``. The server is the ``snn-token-bridge``
distribution (``snn_token_bridge``).
"""
