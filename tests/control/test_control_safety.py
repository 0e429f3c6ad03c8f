"""The control API on a developer's laptop: it reads no file it wasn't given, and no web
page can drive it, by a cross-site request or through DNS rebinding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import SyncASGITransport
from tests.helpers import JSON, ROOT, TOKEN, only_error
from tests.live import serve

SECRET = "hunter2-do-not-print"


def control_client(app: MockApp, **headers: str) -> httpx.Client:
    return httpx.Client(
        transport=SyncASGITransport(app),
        base_url="http://127.0.0.1:8787/__mock__",
        headers={**JSON, **headers},
    )


@pytest.fixture
def allowed(tmp_path: Path) -> Path:
    folder = tmp_path / "worlds"
    folder.mkdir()
    (folder / "mine.yaml").write_text("name: mine\n")
    (folder / ".env").write_text(f"TOKEN={SECRET}\n")
    (folder / "leaky.yaml").write_text(f"name: leaky\nsecret: {SECRET}\nspare: [{SECRET}]\n")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "id_ed25519.yaml").write_text(f"key: {SECRET}\n")
    (folder / "link.yaml").symlink_to(outside / "id_ed25519.yaml")
    (folder / "ci").mkdir()
    (folder / "ci" / "deploy.yaml").write_text("name: deploy\n")
    return folder


@pytest.fixture
def control(allowed: Path) -> Iterator[httpx.Client]:
    with control_client(create_app(scenario_dirs=[allowed])) as client:
        yield client


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../../../../../../etc/passwd",
        "/etc/hostname",
        "~/.ssh/id_rsa",
        ".env",  # inside an allowed folder, but not a scenario file
        "link.yaml",  # inside, but a link to a file outside
        "../private/id_ed25519.yaml",
        "C:\\Windows\\win.ini",
        "mine.yaml\0.txt",  # a NUL byte, which the operating system refuses
        "ci/deploy.yaml",  # in a folder below an allowed one: a project's other YAML
        "a" * 5000 + ".yaml",  # longer than any file name may be
    ],
)
def test_only_bundled_posted_and_allowed_scenarios_load(control: httpx.Client, name: str) -> None:
    refused = control.post("/reset", json={"scenario": name})
    assert refused.status_code == 403
    error = only_error(refused)
    assert "loads a bundled scenario by name, a posted document, or a .yaml file" in str(
        error["message"]
    )
    assert SECRET not in refused.text and "root:" not in refused.text
    assert control.get("/health").json()["result"]["scenario"] == "default"  # unchanged


def test_what_is_allowed_still_loads(control: httpx.Client, allowed: Path) -> None:
    assert control.post("/reset", json={"scenario": "near-limit"}).status_code == 200
    assert control.post("/reset", json={"scenario": "mine.yaml"}).json()["result"]["scenario"] == (
        "mine"
    )
    absolute = str(allowed / "mine.yaml")
    assert control.post("/reset", json={"scenario": absolute}).status_code == 200
    posted = control.post("/reset", json={"document": {"name": "posted"}})
    assert posted.json()["result"]["scenario"] == "posted"


def test_no_message_quotes_a_files_contents(control: httpx.Client) -> None:
    refused = control.post("/reset", json={"scenario": "leaky.yaml"})
    assert refused.status_code == 400
    assert "2 unknown keys (allowed here:" in refused.text
    # Neither a value nor a key is quoted: a key may be a secret pasted in the wrong place.
    assert (
        SECRET not in refused.text
        and "'secret'" not in refused.text
        and "spare" not in refused.text
    )


def test_the_folder_of_the_scenario_given_at_start_is_allowed(allowed: Path) -> None:
    app = create_app(allowed / "mine.yaml")
    with control_client(app) as control:
        assert control.post("/reset", json={"scenario": "mine.yaml"}).status_code == 200
        assert control.post("/reset", json={"scenario": "/etc/passwd"}).status_code == 403


def test_python_callers_load_any_path(tmp_path: Path) -> None:
    """The rule is for HTTP callers; a test's own code may load what it likes."""
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("name: elsewhere\n")
    app = create_app()
    assert app.control.reset(elsewhere).name == "elsewhere"


# --- cross-site requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/reset"), ("POST", "/clock/advance"), ("PUT", "/state"), ("DELETE", "/journal")],
)
def test_changes_need_a_json_content_type(method: str, path: str, content_type: str | None) -> None:
    app = create_app()
    headers = {"Content-Type": content_type} if content_type else {}
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://127.0.0.1") as client:
        answer = client.request(
            method, f"/__mock__{path}", content=b'{"by": "1d"}', headers=headers
        )
    assert answer.status_code == 415
    assert "Content-Type: application/json" in str(only_error(answer)["message"])
    assert app.control.now() == app.world.start


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},  # another port is another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_another_sites_page_is_refused(headers: dict[str, str]) -> None:
    app = create_app()
    with control_client(app, **headers) as control:
        moved = control.post("/clock/advance", json={"by": "1d"})
        read = control.get("/state")
    assert (moved.status_code, read.status_code) == (403, 403)
    assert "refuses requests from other web sites" in moved.text
    assert app.control.now() == app.world.start


def test_the_mocks_own_pages_and_programs_pass() -> None:
    app = create_app()
    own = {"Origin": "http://127.0.0.1:8787", "Sec-Fetch-Site": "same-origin"}
    with control_client(app, **own) as page, control_client(app) as program:
        assert page.post("/clock/advance", json={"by": "1d"}).status_code == 200
        assert program.post("/clock/advance", json={"by": "1d"}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8787", "10.0.0.5", "127.0.0.1.evil.example"]
)
def test_on_loopback_other_host_names_are_refused(host: str) -> None:
    """DNS rebinding: a page whose name points at 127.0.0.1 still sends its own name."""
    app = create_app()
    app.listen_on("127.0.0.1")
    with control_client(app, Host=host) as control:
        assert control.get("/state").status_code == 403
        assert control.post("/reset", json={}).status_code == 403
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://127.0.0.1") as api:
        listed = api.get(
            "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/registrar/registrations",
            headers={"Host": host, "Authorization": f"Bearer {TOKEN}"},
        )
    assert listed.status_code == 403
    assert "is not a name of this server" in listed.text


@pytest.mark.parametrize("host", ["127.0.0.1:8787", "localhost:8787", "localhost", "[::1]:8787",
                                  "127.1.2.3", "app.localhost:8787", "mock.test:8787"])  # fmt: skip
def test_on_loopback_its_own_names_pass(host: str) -> None:
    app = create_app()
    app.listen_on("127.0.0.1", ["mock.test"])
    with control_client(app, Host=host) as control:
        assert control.get("/state").status_code == 200


def test_served_over_loopback_the_host_is_checked() -> None:
    with serve() as base:
        origin = base.removesuffix("/client/v4")
        assert httpx.get(f"{origin}/__mock__/health").status_code == 200
        rebound = httpx.get(f"{origin}/__mock__/state", headers={"Host": "attacker.example"})
        assert rebound.status_code == 403
        form = httpx.post(f"{origin}/__mock__/reset", data={"scenario": "near-limit"})
        assert form.status_code == 415


def test_the_readme_control_examples_send_json() -> None:
    readme = (ROOT / "README.md").read_text()
    for line in readme.splitlines():
        if "curl" in line and "__mock__" in line and "-X" in line:
            assert "application/json" in line, line


HUGE = 10**400  # valid JSON, and more than a float can hold


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/clock/advance", {"seconds": HUGE}),
        ("POST", "/faults", {"effect": {"latency": HUGE}}),
        ("POST", "/reset", {"document": {"sync_wait": HUGE}}),
        ("POST", "/reset", {"document": {"lifecycle": {"renew_before": HUGE}}}),
        ("POST", "/reset", {"document": {"seed": HUGE}}),
        (
            "POST",
            "/reset",
            {
                "document": {
                    "workflows": {
                        "update": {
                            "default": [
                                {"state": "in_progress", "for": HUGE},
                                {"state": "succeeded"},
                            ]
                        }
                    }
                }
            },
        ),
    ],
)
def test_numbers_too_large_for_a_float_are_a_400(
    control: httpx.Client, method: str, path: str, body: object
) -> None:
    answer = control.request(method, path, content=json.dumps(body))
    assert answer.status_code == 400, answer.text
    assert control.get("/health").json()["result"]["scenario"] == "default"


@pytest.mark.parametrize(
    "text",
    ["seed: " + "9" * 5000, "start: 2026-02-30T00:00:00Z", "sync_wait: " + "9" * 400],
)
def test_allowed_files_with_unreadable_values_are_a_400(
    control: httpx.Client, allowed: Path, text: str
) -> None:
    (allowed / "odd.yaml").write_text(text + "\n")
    answer = control.post("/reset", json={"scenario": "odd.yaml"})
    assert answer.status_code == 400, answer.text
    assert "9999" not in answer.text
