"""The token bridge server: an authenticated HTTP service that signs CMS signed attributes with a
key on a PKCS#11 token, next to the token (``snn-token-bridge --config FILE``).

Its callers use the client side, which imports no aiohttp and no PKCS#11:
``snn_sign.bridge.client.BridgeClient`` and ``snn_sign.bridge.signer.BridgeSigner``; the request
authentication both ends share is ``snn_sign.bridge.auth``.
"""
