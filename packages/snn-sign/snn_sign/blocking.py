"""Blocking entry points over the async API: ``sign_pdf`` over ``async_sign_pdf`` and the like.

A blocking call inside a running event loop (aiohttp, Odoo's bus) would deadlock or fail deep
in pyHanko; it is refused at once with the name of the coroutine to await instead.
"""

from __future__ import annotations

import asyncio


def refuse_in_loop(name: str) -> None:
    """Raise if called inside a running event loop: there, ``async_<name>`` is to be awaited."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() called inside an event loop: await async_{name}()")


def run_boxed(coro):
    """``asyncio.run(coro)``, the result carried in a :class:`_Box`."""
    return asyncio.run(_boxed(coro)).value


class _Box:
    """Holds a result with a tiny repr. Python 3.12.1's asyncio.run builds repr(main task) when
    it restores the SIGINT handler; with 13 MB of PDF bytes as the result that took 0.4 s."""

    __slots__ = ("value",)


async def _boxed(coro) -> _Box:
    box = _Box()
    box.value = await coro
    return box
