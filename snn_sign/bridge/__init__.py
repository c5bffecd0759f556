"""The token bridge: an authenticated HTTP service that signs CMS signed attributes with a key
on a PKCS#11 token (server side), and its client and pyHanko ``Signer`` (caller side).

The caller side imports no aiohttp and no PKCS#11: ``from snn_sign.bridge.client import
BridgeClient`` and ``from snn_sign.bridge.signer import BridgeSigner``.
"""
