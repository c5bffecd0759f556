"""Screenshots of what each demo user sees first, on a desktop (1366×900) and on a phone
(390×844), taken from the demo `make run` serves, for the README and the module's description;
also the login page a Vietnamese visitor sees, the signature panel of the newest e-signed
document, and the first page of the newest periodic report made as a document (when the demo
has them: issue a document as the clerk, make a report document as the manager).

    make run            # in one terminal: the demo on http://localhost:8069
    make screenshots    # in another: writes addons/snn_docflow/static/description/screenshots/

Run it again when the screens change. It drives the Chromium that `make test` uses for Odoo's
browser tests, over the DevTools protocol (websocket-client and requests come with Odoo).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "addons" / "snn_docflow" / "static" / "description" / "screenshots"
DEMO_DB = "snn_demo"
# Demo logins (passwords are the logins, README.md) and the screen each lands on.
USERS = ["drafter", "head", "director", "clerk"]
SIZES = {"desktop": (1366, 900, False), "phone": (390, 844, True)}
# A screen is ready when Odoo shows a view and nothing is loading any more.
READY = (
    "!!document.querySelector('.o_action_manager .o_view_controller')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI, .o_view_sample_data')"
)


class Page:
    """One Chromium tab, driven by DevTools protocol commands."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:  # events arrive in between; the answer carries our id
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_until(self, expression: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
            if result.get("result", {}).get("value"):
                return
            time.sleep(0.25)
        raise TimeoutError(f"the page did not get ready: {expression}")


def start_chromium(profile: Path) -> tuple[subprocess.Popen, int]:
    names = ("chromium", "chromium-browser", "google-chrome")
    exe = next((path for name in names if (path := shutil.which(name))), None)
    if not exe:
        sys.exit("Chromium is not installed: `make test` installs it (Debian package chromium).")
    cmd = [
        exe,
        "--headless=new",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--disable-gpu",
        "--hide-scrollbars",
    ]
    if os.geteuid() == 0:
        cmd.append("--no-sandbox")  # Chromium refuses root otherwise (containers, CI)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = profile / "DevToolsActivePort"
    for _ in range(100):
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text().split()[0])
        time.sleep(0.1)
    proc.kill()
    sys.exit("Chromium did not start (no DevToolsActivePort).")


def session_of(base: str, login: str) -> str:
    answer = requests.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": DEMO_DB, "login": login, "password": login}},
        timeout=30,
    )
    if answer.json().get("error") or "session_id" not in answer.cookies:
        sys.exit(f"Cannot log in as {login} on {base}: is the demo (`make run`) serving?")
    return answer.cookies["session_id"]


def shoot(page: Page, base: str, login: str, size: str) -> Path:
    page.send("Network.clearBrowserCookies")
    page.send("Network.setCookie", name="session_id", value=session_of(base, login), url=base)
    show(page, size)
    page.send("Page.navigate", url=f"{base}/odoo")
    page.wait_until(READY)
    return capture(page, f"{login}-{size}.png")


def show(page: Page, size: str) -> None:
    width, height, mobile = SIZES[size]
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=mobile,
    )
    page.send("Emulation.setTouchEmulationEnabled", enabled=mobile)


def capture(page: Page, name: str) -> Path:
    time.sleep(1.5)  # avatars, counters and fonts settle
    shot = page.send("Page.captureScreenshot", format="png")
    path = OUT / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def shoot_login(page: Page, base: str, size: str) -> Path:
    """The login page as a first-time visitor whose browser asks for Vietnamese."""
    page.send("Network.clearBrowserCookies")
    # A first visit: no user remembered by earlier logins (Odoo keeps them in localStorage).
    page.send("Storage.clearDataForOrigin", origin=base, storageTypes="all")
    page.send("Network.setExtraHTTPHeaders", headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    show(page, size)
    page.send("Page.navigate", url=f"{base}/web/login")
    page.wait_until("!!document.querySelector('form.oe_login_form')")
    path = capture(page, f"login-{size}.png")
    page.send("Network.setExtraHTTPHeaders", headers={})
    return path


def call(base: str, session: str, model: str, method: str, *args, **kwargs):
    answer = requests.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
        },
        cookies={"session_id": session},
        timeout=60,
    ).json()
    if answer.get("error"):
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def shoot_signatures(page: Page, base: str, size: str) -> Path | None:
    """The signature panel of the newest e-signed document, as the clerk reads it."""
    session = session_of(base, "clerk")
    found = call(
        base,
        session,
        "snn.document",
        "search",
        [("signature_ids", "!=", False)],
        limit=1,
        order="id desc",
    )
    if not found:
        return None
    page.send("Network.clearBrowserCookies")
    page.send("Network.setCookie", name="session_id", value=session, url=base)
    show(page, size)
    page.send("Page.navigate", url=f"{base}/odoo/action-snn_docflow.snn_document_action/{found[0]}")
    page.wait_until(READY + " && !!document.querySelector('a[name=signatures]')")
    page.send(
        "Runtime.evaluate",
        expression="document.querySelector('a[name=signatures]').click()",
    )
    panel = ".o_field_widget[name=signature_ids] .o_kanban_record"
    page.wait_until(f"!!document.querySelector('{panel}')")
    page.send(
        "Runtime.evaluate",
        # The tab's headers at the top: under the sticky control panel, the cards follow.
        expression=(
            "document.querySelector('.o_notebook_headers').scrollIntoView({block: 'start'})"
        ),
    )
    return capture(page, f"signatures-{size}.png")


def shoot_report_document(base: str) -> Path | None:
    """Page 1 of the newest periodic report made as a document (signed once issued)."""
    session = session_of(base, "clerk")
    found = call(
        base,
        session,
        "snn.document",
        "search_read",
        [("document_type_id.code", "=", "BC")],
        ["id", "state"],
        limit=1,
        order="id desc",
    )
    if not found:
        return None
    field = "signed_file" if found[0]["state"] == "issued" else "file"
    pdf = requests.get(
        f"{base}/web/content/snn.document/{found[0]['id']}/{field}",
        cookies={"session_id": session},
        timeout=60,
    )
    pdf.raise_for_status()
    path = OUT / "report-document-page1.png"
    with tempfile.TemporaryDirectory(prefix="snn-shots-") as tmp:
        source = Path(tmp) / "report.pdf"
        source.write_bytes(pdf.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                Path(tmp) / "page",
            ],
            check=True,
        )
        shutil.copy(Path(tmp) / "page.png", path)
    return path


def main() -> int:
    base = f"http://localhost:{os.environ.get('SNN_HTTP_PORT', '8069')}"
    try:
        requests.get(f"{base}/web/login", timeout=10)
    except requests.ConnectionError:
        sys.exit(f"Nothing answers on {base}: start the demo with `make run` first.")
    OUT.mkdir(parents=True, exist_ok=True)
    # Chromium's helpers may still write its profile when it is gone: no error on cleanup.
    with tempfile.TemporaryDirectory(prefix="snn-shots-", ignore_cleanup_errors=True) as tmp:
        proc, port = start_chromium(Path(tmp))
        try:
            target = requests.put(f"http://127.0.0.1:{port}/json/new?about:blank", timeout=10)
            page = Page(target.json()["webSocketDebuggerUrl"])
            page.send("Page.enable")
            page.send("Network.enable")
            for login in USERS:
                for size in SIZES:
                    print(f"{shoot(page, base, login, size).relative_to(ROOT)}")
            for size in SIZES:
                print(f"{shoot_login(page, base, size).relative_to(ROOT)}")
                shot = shoot_signatures(page, base, size)
                print(
                    shot.relative_to(ROOT)
                    if shot
                    else "no signature panel: no e-signed document yet (issue one as the clerk)"
                )
            shot = shoot_report_document(base)
            print(
                shot.relative_to(ROOT)
                if shot
                else "no report document yet (Periodic Report → Make Report Document)"
            )
        finally:
            proc.kill()
            proc.wait(timeout=30)  # before its profile directory is removed
    return 0


if __name__ == "__main__":
    sys.exit(main())
