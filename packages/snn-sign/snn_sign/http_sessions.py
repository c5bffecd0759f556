"""One ``requests.Session`` per thread for an HTTP client that threads share (the token
bridge's and the document exchange's): a session is not thread-safe, a client should be."""

from __future__ import annotations

import threading
import weakref

import requests


class ThreadSessions:
    """Mixin: ``self._session()`` is this thread's session; ``close()`` closes them all."""

    def _init_sessions(self) -> None:
        self._local = threading.local()
        # The live sessions, for close(); a thread's session goes when the thread ends.
        self._sessions: weakref.WeakSet[requests.Session] = weakref.WeakSet()
        self._sessions_lock = threading.Lock()

    def _session(self) -> requests.Session:
        """This thread's session (created on its first request)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            with self._sessions_lock:
                self._sessions.add(session)
            self._local.session = session
        return session

    def close(self) -> None:
        """Close every thread's session; a later call opens new ones."""
        with self._sessions_lock:
            sessions = list(self._sessions)
            self._sessions.clear()
            self._local = threading.local()
        for session in sessions:
            session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
