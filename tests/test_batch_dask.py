"""`grader grade-batch --scheduler`: the same cohort graded on a Dask cluster (a
`LocalCluster` of two worker processes on loopback here, as a team's cluster would be
reached over its network) gives the very files the local pool gives; a scheduler that does
not answer is a coded problem before anything is written."""

from __future__ import annotations

import pytest

from grader.batch import run_batch
from tests.conftest import run_grader
from tests.test_batch import COHORT, RUBRIC, make_cohort, outputs, rows

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def test_a_cluster_grades_as_the_local_pool_does(cluster, tmp_path):
    cohort = make_cohort(tmp_path / "cohort", COHORT)
    local = run_batch(RUBRIC, cohort, tmp_path / "local", workers=2)
    remote = run_batch(RUBRIC, cohort, tmp_path / "remote",
                       scheduler=cluster.scheduler_address)
    assert (remote.learners, remote.graded, remote.status) == (local.learners, local.graded,
                                                              local.status) == (5, 4, 2)
    ours, theirs = outputs(tmp_path / "local"), outputs(tmp_path / "remote")
    assert ours.keys() == theirs.keys()
    for name in ours:
        if name != "manifest.json":   # it names its own folder
            assert ours[name] == theirs[name], name
    assert {r["learner"] for r in rows(tmp_path / "remote" / "failures.csv")} == {"lee"}
    again = run_batch(RUBRIC, cohort, tmp_path / "remote", scheduler=cluster.scheduler_address)
    assert (again.graded, again.skipped) == (0, 5)   # resumed: nothing graded twice


def test_an_unreachable_scheduler_is_a_coded_problem(tmp_path):
    cohort = make_cohort(tmp_path / "cohort", {"alex": "beginner"})
    run = run_grader("grade-batch", "--cohort", cohort, "--out", tmp_path / "out",
                     "--exercise", "failure-audit", "--quiet",
                     "--scheduler", "tcp://127.0.0.1:9")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "[scheduler-unreachable]" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()   # refused before anything was written
