"""Every operation of the spec, against the mock in-process, with every check.

Two ways in, as a user would have them: ``@schema.parametrize()`` gives one pytest
test per operation (schemathesis's fuzzing, positive and negative data), and
``conformance.run`` drives all of schemathesis's phases (examples, coverage,
fuzzing, stateful links) the way ``registrar-mock contract`` does.
"""

from __future__ import annotations

import schemathesis

from registrar_mock.contract_tests import checks, conformance

from .support import Broken, contract_app

# Fewer examples than the whole run below, which fuzzes the same operations with every
# phase: this way in is tested for being one, and depth comes from that run.
schema = conformance.in_process(contract_app(), conformance.Settings(max_examples=10))


@schema.parametrize()
def test_operation_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_every_phase_passes_on_the_mock() -> None:
    """Run through the broken-server tests' wrapper, left unbroken: passing, this run also
    shows that the wrapper changes nothing, so each of their failures is its mutation's."""
    report = conformance.run(conformance.in_process(Broken(contract_app())))
    assert report.ok, "\n\n".join(map(str, report.findings + report.errors))  # type: ignore[operator]
    assert set(report.operations) == {op.label for op in conformance.operations(schema)}
    assert all(result.cases > 0 for result in report.operations.values())


def test_our_checks_are_registered_with_schemathesis() -> None:
    from schemathesis.checks import CHECKS

    names = set(CHECKS.get_all_names())
    assert {check.__name__ for check in checks.CUSTOM_CHECKS} <= names
