"""The token bridge's TOML configuration (see config/token-bridge.example.toml).

Secrets (the token PIN, the clients' HMAC secrets) are never in the TOML itself: they come from
an environment variable or a file, and the PIN may be typed at start on a terminal.

Two profiles. ``server`` (the default): Odoo's server calls the bridge, authenticated by HMAC
([[clients]]). ``local``: the bridge runs on an official's PC, the Odoo web client in that PC's
browser hands it requests Odoo signed (``odoo_request_key``, the public half only) and the
official confirms each one on a page the bridge serves; loopback only, no [[clients]].
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

# A secret file is read the same way by both ends (snn-sign's --secret-file, the clients here),
# so read_secret_file lives on the caller side, in snn_sign.
from snn_sign.bridge.auth import MIN_SECRET_BYTES, read_secret_file
from snn_sign.bridge.local_request import load_public_key, normalise_origin
from snn_sign.errors import BadInputError

PURPOSES = ("personal", "organization")
PROFILES = ("server", "local")


def _bad(vi: str, en: str) -> BadInputError:
    return BadInputError(f"Cấu hình token bridge: {vi}", f"Token bridge configuration: {en}")


# How a TOML type is named in the messages.
_KINDS = {
    str: ("một chuỗi", "a string"),
    int: ("một số nguyên", "an integer"),
    list: ("một danh sách", "a list"),
    dict: ("một bảng", "a table"),
}


def _typed(table: dict, where: str, name: str, kind: type, default=None):
    """``table[name]`` if it has the TOML type ``kind`` (or ``default`` when absent); a value of
    another type stops the bridge with a message naming it, instead of a traceback later."""
    value = table.get(name, default)
    # bool is an int in Python, but `port = true` is a mistake, not port 1.
    wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
    if value is not None and wrong:
        vi, en = _KINDS[kind]
        raise _bad(
            f"{where}{name} phải là {vi}, không phải {value!r}",
            f"{where}{name} must be {en}, not {value!r}",
        )
    return value


def _positive(table: dict, where: str, name: str, default: int) -> int:
    value = _typed(table, where, name, int, default)
    if value <= 0:
        raise _bad(
            f"{where}{name} phải là số nguyên dương, không phải {value!r}",
            f"{where}{name} must be a positive integer, not {value!r}",
        )
    return value


def _tables(data: dict, name: str) -> list[dict]:
    """An array of tables (``[[name]]``), each entry checked to be a table."""
    entries = _typed(data, "", name, list, [])
    if not all(isinstance(entry, dict) for entry in entries):
        raise _bad(
            f"{name} phải là các bảng [[{name}]], không phải {entries!r}",
            f"{name} must be [[{name}]] tables, not {entries!r}",
        )
    return entries


@dataclass(frozen=True)
class KeyConfig:
    label: str
    purpose: str


@dataclass(frozen=True)
class ClientConfig:
    name: str
    secret: bytes = field(repr=False)
    keys: tuple[str, ...] | None = None  # labels this client may use; None: every key

    def may_use(self, label: str) -> bool:
        return self.keys is None or label in self.keys


@dataclass(frozen=True)
class BridgeConfig:
    module: str
    token_label: str
    pin: str | None = field(repr=False)
    host: str
    port: int
    clients: tuple[ClientConfig, ...]
    keys: tuple[KeyConfig, ...]
    max_body_bytes: int = 64 * 1024
    auth_window: int = 300
    chain_files: tuple[Path, ...] = ()  # issuer certificates not stored on the token
    profile: str = "server"
    # The local profile's: browser origins of the Odoo web client, Odoo's public request key,
    # consecutive wrong PINs before the bridge stops trying, requests awaiting confirmation.
    allowed_origins: tuple[str, ...] = ()
    odoo_request_key: str | None = None
    max_pin_attempts: int = 3
    max_pending: int = 20

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _warn_if_readable_by_others(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(
            f"CẢNH BÁO / WARNING: {path} có thể bị người khác đọc; nên chmod 600 / "
            f"is readable by others; chmod 600 it",
            file=sys.stderr,
        )


def _read_pin(token: dict, base: Path, *, prompt: bool) -> str | None:
    pin_env = _typed(token, "[token] ", "pin_env", str)
    pin_file = _typed(token, "[token] ", "pin_file", str)
    if pin_env is not None:
        pin = os.environ.get(pin_env)
        if not pin:
            raise _bad(
                f"biến môi trường {pin_env} (mã PIN) chưa được đặt",
                f"the environment variable {pin_env} (the PIN) is not set",
            )
        return pin
    if pin_file is not None:
        path = base / pin_file
        _warn_if_readable_by_others(path)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise _bad(
                f"không đọc được tệp mã PIN {path}: {exc.strerror}",
                f"cannot read the PIN file {path}: {exc.strerror}",
            ) from None
        except UnicodeDecodeError:
            raise _bad(
                f"tệp mã PIN {path} không phải văn bản UTF-8",
                f"the PIN file {path} is not UTF-8 text",
            ) from None
    if not prompt:
        return None
    if not sys.stdin.isatty():
        raise _bad(
            "không có pin_env hay pin_file và không có terminal để nhập mã PIN",
            "no pin_env or pin_file, and no terminal to type the PIN on",
        )
    return getpass.getpass("Mã PIN của token / Token PIN: ")


def _client_keys(entry: dict, name: str) -> tuple[str, ...] | None:
    keys = _typed(entry, "[[clients]] ", "keys", list)
    if keys is None:
        return None
    if not keys or not all(isinstance(label, str) and label for label in keys):
        # An empty list is surely a slip: omitting `keys` means every key, [] would mean none.
        raise _bad(
            f"[[clients]] keys của client {name} phải là danh sách nhãn khóa không rỗng "
            "(bỏ dòng keys để cho dùng mọi khóa)",
            f"[[clients]] keys of client {name} must be a non-empty list of key labels "
            "(omit keys to allow every key)",
        )
    return tuple(keys)


def _read_client(entry: dict, base: Path) -> ClientConfig:
    name = _typed(entry, "[[clients]] ", "name", str)
    if not name:
        raise _bad("mỗi [[clients]] cần name", "every [[clients]] needs a name")
    keys = _client_keys(entry, name)
    secret_file = _typed(entry, "[[clients]] ", "secret_file", str)
    secret_env = _typed(entry, "[[clients]] ", "secret_env", str)
    if secret_file is not None:
        path = base / secret_file
        _warn_if_readable_by_others(path)
        return ClientConfig(name, read_secret_file(path), keys)
    if secret_env is not None:
        value = os.environ.get(secret_env, "").strip().encode()
        if len(value) < MIN_SECRET_BYTES:
            raise _bad(
                f"biến {secret_env} của client {name} trống hoặc quá ngắn",
                f"variable {secret_env} of client {name} is empty or too short",
            )
        return ClientConfig(name, value, keys)
    raise _bad(
        f"client {name} cần secret_file hoặc secret_env",
        f"client {name} needs secret_file or secret_env",
    )


def _read_keys(data: dict) -> tuple[KeyConfig, ...]:
    keys = []
    for entry in _tables(data, "keys"):
        label, purpose = entry.get("label"), entry.get("purpose")
        if not isinstance(label, str) or not label or purpose not in PURPOSES:
            raise _bad(
                f"[[keys]] cần label và purpose thuộc {PURPOSES}",
                f"[[keys]] needs a label and a purpose among {PURPOSES}",
            )
        keys.append(KeyConfig(label, purpose))
    if not keys:
        raise _bad("chưa khai báo khóa nào ([[keys]])", "no keys declared ([[keys]])")
    return tuple(keys)


def _check_client_keys(clients: tuple[ClientConfig, ...], keys: tuple[KeyConfig, ...]) -> None:
    declared = {key.label for key in keys}
    for client in clients:
        for label in client.keys or ():
            # A typo would otherwise lock the client out of its key without saying why.
            if label not in declared:
                raise _bad(
                    f"client {client.name} được cho dùng khóa {label!r} nhưng khóa này không có "
                    "trong [[keys]]",
                    f"client {client.name} is allowed key {label!r}, which is not in [[keys]]",
                )


def _profile(data: dict) -> str:
    profile = _typed(data, "", "profile", str, "server")
    if profile not in PROFILES:
        raise _bad(
            f"profile phải là một trong {PROFILES}, không phải {profile!r}",
            f"profile must be one of {PROFILES}, not {profile!r}",
        )
    if profile == "server":
        for name in ("allowed_origins", "odoo_request_key", "max_pin_attempts", "max_pending"):
            if name in data:
                # Probably a local config missing its profile line: say so, do not ignore it.
                raise _bad(
                    f'{name} chỉ dùng với profile = "local"',
                    f'{name} is only for profile = "local"',
                )
    return profile


def _local_settings(data: dict, host: str, has_clients: bool) -> dict:
    """The local profile's keys, checked: loopback only, no HMAC clients, origins and key."""
    if not is_loopback(host):
        # The page that confirms a signature must be reachable from this PC only.
        raise _bad(
            f'với profile = "local" bridge chỉ nghe trên loopback (127.0.0.1), không phải {host!r}',
            f'with profile = "local" the bridge listens on loopback (127.0.0.1) only, not {host!r}',
        )
    if has_clients:
        raise _bad(
            'profile = "local" không dùng [[clients]] (Odoo ký từng yêu cầu bằng odoo_request_key)',
            'profile = "local" takes no [[clients]] (Odoo signs each request, see '
            "odoo_request_key)",
        )
    origins = _typed(data, "", "allowed_origins", list, [])
    if not origins or not all(isinstance(origin, str) for origin in origins):
        raise _bad(
            'allowed_origins phải liệt kê địa chỉ Odoo, ví dụ ["https://odoo.example.vn"]',
            'allowed_origins must list Odoo\'s address, e.g. ["https://odoo.example.vn"]',
        )
    try:
        allowed = tuple(normalise_origin(origin) for origin in origins)
    except BadInputError as exc:
        raise _bad(f"allowed_origins: {exc.vi}", f"allowed_origins: {exc.en}") from None
    key = _typed(data, "", "odoo_request_key", str)
    if not key:
        raise _bad(
            "thiếu odoo_request_key (khóa công khai ký yêu cầu của Odoo)",
            "odoo_request_key (Odoo's public request key) is missing",
        )
    try:
        load_public_key(key)
    except BadInputError as exc:
        raise _bad(exc.vi, exc.en) from None
    return {
        "allowed_origins": allowed,
        "odoo_request_key": key.strip(),
        "max_pin_attempts": _positive(data, "", "max_pin_attempts", 3),
        "max_pending": _positive(data, "", "max_pending", 20),
    }


def load_config(path: str | os.PathLike[str], *, prompt_pin: bool = True) -> BridgeConfig:
    """Read and check the TOML file. Relative file paths are relative to the TOML's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad(
            f"không đọc được {path}: {exc.strerror}", f"cannot read {path}: {exc.strerror}"
        ) from None
    except UnicodeDecodeError:
        raise _bad(f"{path} không phải văn bản UTF-8", f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad(
            f"{path} không phải TOML hợp lệ: {exc}", f"{path} is not valid TOML: {exc}"
        ) from None
    base = path.resolve().parent
    token = _typed(data, "", "token", dict, {})
    server = _typed(data, "", "server", dict, {})
    module = _typed(token, "[token] ", "module", str)
    token_label = _typed(token, "[token] ", "label", str)
    if not module or not token_label:
        raise _bad("[token] cần module và label", "[token] needs module and label")
    chain_files = _typed(token, "[token] ", "chain_files", list, [])
    if not all(isinstance(p, str) for p in chain_files):
        raise _bad(
            f"[token] chain_files phải là danh sách đường dẫn, không phải {chain_files!r}",
            f"[token] chain_files must be a list of paths, not {chain_files!r}",
        )
    keys = _read_keys(data)
    profile = _profile(data)
    host = _typed(server, "[server] ", "host", str, "127.0.0.1")
    local = {}
    if profile == "local":
        local = _local_settings(data, host, bool(_tables(data, "clients")))
        clients = ()
    else:
        clients = tuple(_read_client(entry, base) for entry in _tables(data, "clients"))
        if not clients:
            raise _bad(
                "chưa khai báo client nào ([[clients]])", "no clients declared ([[clients]])"
            )
        _check_client_keys(clients, keys)
    port = server.get("port", 8899)
    # 0 = any free port; bool is an int in Python, but `port = true` is not port 1.
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise _bad(f"cổng không hợp lệ: {port!r}", f"invalid port: {port!r}")
    return BridgeConfig(
        module=module,
        token_label=token_label,
        # Local profile without pin_env / pin_file: the confirmation page asks for the PIN of
        # each signature, so there is nothing to prompt for at start.
        pin=_read_pin(token, base, prompt=prompt_pin and profile == "server"),
        host=host,
        port=port,
        clients=clients,
        keys=keys,
        max_body_bytes=_positive(server, "[server] ", "max_body_bytes", 64 * 1024),
        auth_window=_positive(server, "[server] ", "auth_window_seconds", 300),
        chain_files=tuple(base / p for p in chain_files),
        profile=profile,
        **local,
    )
