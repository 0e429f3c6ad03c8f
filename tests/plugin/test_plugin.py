"""The plugin as a user's project meets it: installed, strict markers, warnings as errors, xdist."""

from __future__ import annotations

import pytest

from .support import run


def test_marker_is_registered(inner: pytest.Pytester) -> None:
    result = inner.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.registrar_scenario(scenario=None, **options):*"])


def test_scenarios_by_name_path_and_document_and_clear_failures(inner: pytest.Pytester) -> None:
    inner.mkdir("worlds")
    inner.path.joinpath("worlds", "tiny.yaml").write_text("name: tiny\ndomain_limit: 1\n")
    inner.path.joinpath("worlds", "broken.yaml").write_text(
        "name: broken\naccounts:\n  - id: a\n    billing: maybe\n"
    )
    inner.makepyfile(
        test_scenarios="""
        import pytest

        @pytest.mark.registrar_scenario("worlds/tiny.yaml")
        def test_path_beside_the_test_file(registrar_mock):
            assert registrar_mock.scenario.name == "tiny"

        @pytest.mark.registrar_scenario({"name": "inline", "seed": 9})
        def test_document(registrar_mock_server):
            scenario = registrar_mock_server.scenario
            assert (scenario.name, scenario.world.seed) == ("inline", 9)

        @pytest.mark.registrar_scenario("atlantis")
        def test_unknown_name(registrar_mock):
            pass

        @pytest.mark.registrar_scenario("worlds/broken.yaml")
        def test_broken_file(registrar_mock_server):
            pass

        @pytest.mark.registrar_scenario("default", seed="seven")
        def test_bad_option(registrar_mock):
            pass

        @pytest.mark.registrar_scenario("default", sede=7)
        def test_unknown_option(registrar_mock):
            pass
        """
    )
    result = run(inner)
    result.assert_outcomes(passed=2, errors=4)
    output = result.stdout.str()
    for line in [
        "@pytest.mark.registrar_scenario('atlantis'): atlantis: no such scenario file or bundled "
        "scenario (bundled: action-required, current-api, default,",
        "@pytest.mark.registrar_scenario('worlds/broken.yaml'): ",
        "worlds/broken.yaml: accounts[0].billing: must be a boolean (true or false)",
        "@pytest.mark.registrar_scenario('default', seed='seven'): option seed: must be an integer",
        "@pytest.mark.registrar_scenario('default', sede=7): option sede: not a scenario key;",
    ]:
        assert line in output
    assert "Traceback" not in output
    assert "During handling" not in output


def test_the_server_is_reset_between_tests(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_order="""
        import httpx
        import pytest

        def test_first_makes_a_mess(registrar_mock_server):
            mock = registrar_mock_server
            mock.registrar.registrations.create(account_id=mock.account_id, domain_name="mess.com")
            mock.add_fault({"id": "later", "nth": 99, "effect": {"status": 503}})
            mock.advance("3d")
            mock.load_scenario("flaky")

        @pytest.mark.registrar_scenario("slow-registry")
        def test_second_sees_none_of_it(registrar_mock_server):
            mock = registrar_mock_server
            assert mock.scenario.name == "slow-registry"
            assert mock.faults == []
            assert mock.now() == mock.scenario.world.start
            assert len(mock.journal) == 0
            listing = f"{mock.base_url}/accounts/{mock.account_id}/registrar/registrations"
            assert httpx.get(listing, headers=mock.headers()).json()["result"] == []

        def test_third_is_back_to_default(registrar_mock_server, registrar_mock):
            assert registrar_mock_server.scenario.name == "default"
            assert registrar_mock.app is not registrar_mock_server.app
        """
    )
    result = run(inner)
    result.assert_outcomes(passed=3)


def test_under_xdist_each_worker_has_its_own_server(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_workers="""
        import os
        from pathlib import Path

        import pytest

        SEEN = Path(__file__).parent / "seen"

        @pytest.mark.parametrize("n", range(8))
        def test_register_the_same_name(registrar_mock_server, n):
            mock = registrar_mock_server
            created = mock.registrar.registrations.create(
                account_id=mock.account_id, domain_name="same.com"
            )
            assert created.state == "succeeded"
            assert [e.status for e in mock.journal.entries()] == [201]
            SEEN.mkdir(exist_ok=True)
            worker = os.environ["PYTEST_XDIST_WORKER"]
            (SEEN / f"{worker}-{n}").write_text(mock.base_url)
        """
    )
    result = run(inner, "-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=8)
    urls: dict[str, set[str]] = {}
    for path in (inner.path / "seen").iterdir():
        urls.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert sorted(urls) == ["gw0", "gw1"]
    [first], [second] = urls.values()  # one server per worker, for all its tests
    assert first != second
