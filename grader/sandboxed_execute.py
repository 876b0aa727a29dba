"""nbgrader's Execute step with each learner's kernel in the sandbox of `grader.sandbox`.

Named in `nbgrader_config.py` in place of `nbgrader.preprocessors.Execute`, so that
`nbgrader autograde` itself runs learner code sandboxed. The notebook client stays in
nbgrader's process; only the kernel runs under bwrap, and the two talk over Unix sockets in
a folder bound into the sandbox (a kernel without a network cannot be reached over TCP).

Time is bounded twice: each cell by `Execute.timeout` (interrupted, then killed if it does
not stop), the whole notebook by `notebook_timeout`. A notebook that runs out of time or whose
kernel dies is not an error here: its remaining cells are skipped, the run is recorded as
`timeout` or `crashed` (or `interrupted` when a cell was stopped by an interrupt and the rest
ran), and the grader scores the files it wrote. Output is capped as it
arrives, so a notebook that prints gigabytes cannot exhaust the grader's memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, List, Unicode

from grader.nbgrader_scores import RUN_KEY
from grader.runs import Run
from grader.sandbox import (
    Limits,
    Plan,
    bwrap_command,
    default_hidden,
    default_visible,
    require_sandbox,
    share_with_sandbox_user,
)

KERNEL_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": "/tmp/home", "USER": "learner",
              "LOGNAME": "learner", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/mpl",
              "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
              "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


STOPPED = ("timeout", "crashed")


class SandboxProvisioner(LocalProvisioner):
    """Starts the kernel inside bwrap, talking over Unix sockets in a private folder."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Point the connection at the manager's socket folder, then wrap the kernel command."""
        manager = self.parent
        self.socket_dir = manager.socket_dir
        self.plan = manager.plan
        manager.transport = "ipc"
        manager.ip = str(self.socket_dir / "kernel")
        manager.connection_file = str(self.socket_dir / "kernel.json")
        kwargs = await super().pre_launch(**kwargs)
        command = list(kwargs["cmd"])
        if Path(command[0]).name.startswith("python"):
            command[0] = sys.executable
        cwd = Path(kwargs.get("cwd") or os.getcwd()).resolve()
        plan = Plan(writable=(*self.plan.writable, self.socket_dir), visible=self.plan.visible,
                    hidden=self.plan.hidden, limits=self.plan.limits)
        share_with_sandbox_user(list(plan.writable), plan.limits)
        kwargs["cmd"] = bwrap_command(command, plan, cwd)
        env = {name: value for name, value in kwargs.get("env", {}).items()
               if name in ("JPY_SESSION_NAME", "NBGRADER_EXECUTION")}
        path = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin",
                                "/bin"])
        kwargs["env"] = {**env, **KERNEL_ENV, "PATH": path}
        # The kernel's own output (not the notebook's) goes to a file, so learner code cannot
        # flood the mentor's terminal; its end is logged when the kernel dies.
        kwargs["stdout"] = subprocess.DEVNULL
        kwargs["stderr"] = open(self.socket_dir / "kernel.log", "wb")  # noqa: SIM115
        return kwargs

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Start bwrap; the log file stays open only in the child."""
        log = kwargs.get("stderr")
        try:
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            if hasattr(log, "close"):
                log.close()



class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox `plan` describes, talking over
    sockets in `socket_dir`."""

    plan: Plan | None = None
    socket_dir: Path | None = None

    async def _async_pre_start_kernel(self, **kwargs: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = SandboxProvisioner(kernel_id=self.kernel_id,
                                                  kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kwargs)

    async def _async_interrupt_kernel(self) -> None:
        # A signal to bwrap does not reach the kernel in its own process namespace, so
        # interrupt the way kernels with `interrupt_mode: message` are interrupted.
        if self.has_kernel:
            message = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, message)

    interrupt_kernel = _async_interrupt_kernel


class SandboxedExecute(Execute):
    """nbgrader's Execute, with the kernel sandboxed, time bounded and output capped."""

    unsafe_no_sandbox = Bool(False, help=(
        "Run learner code without the sandbox, with your user's rights and files. Only for "
        "machines where bwrap cannot run (macOS, Windows); the gradebook records it.")).tag(
        config=True)
    notebook_timeout = Integer(120, help="Seconds the whole notebook may run.").tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="Address space of each process, in MB.").tag(
        config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds of each process.").tag(
        config=True)
    processes = Integer(Limits.processes, help="Processes and threads of the sandbox.").tag(
        config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file the notebook may write, in MB.").tag(
        config=True)
    kill_grace = Integer(10, help="Seconds an interrupted cell has to stop before the kernel "
                         "is killed.").tag(config=True)
    output_kb = Integer(512, help="Output a notebook may produce, in kB; the rest is dropped."
                        ).tag(config=True)
    extra_visible = List(Unicode(), help="More folders learner code may read (your own data)."
                         ).tag(config=True)
    extra_hidden = List(Unicode(), help="More folders to hide from learner code.").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Run the notebook; record how it ended in `resources` for the scoring step."""
        folder = Path(resources["metadata"]["path"]).resolve()
        sandboxed = not self.unsafe_no_sandbox
        if sandboxed:
            require_sandbox()
        self.kernel_manager_class = SandboxKernelManager if sandboxed else AsyncKernelManager
        self._plan = Plan(
            writable=(folder,),
            visible=(*default_visible(), *map(Path, self.extra_visible)),
            hidden=(*default_hidden(Path.cwd()), *map(Path, self.extra_hidden)),
            limits=Limits(self.memory_mb, self.cpu_seconds, self.processes, self.file_mb,
                          user=100_000 + os.getpid() % 100_000))
        self._run = Run(sandbox="bwrap" if sandboxed else "none (unsafe)")
        self._output_bytes = 0
        self._deadline = time.monotonic() + self.notebook_timeout
        self._socket_dir = Path(tempfile.mkdtemp(prefix="grader-kernel-"))
        started = time.monotonic()
        try:
            nb, resources = super().preprocess(nb, resources)
        except (DeadKernelError, RuntimeError) as exc:
            self._stop("crashed", f"the kernel could not run the notebook: {exc}")
        finally:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
        self._run.seconds = round(time.monotonic() - started, 2)
        resources[RUN_KEY] = self._run
        return nb, resources

    def create_kernel_manager(self) -> AsyncKernelManager:
        """The kernel manager, given the sandbox plan and socket folder of this notebook."""
        manager = super().create_kernel_manager()
        manager.plan, manager.socket_dir = self._plan, self._socket_dir
        return manager

    def _stop(self, outcome: str, detail: str) -> None:
        if self._run.outcome in STOPPED:
            return
        self._run.outcome, self._run.detail = outcome, detail
        self.log.warning("Notebook stopped (%s): %s", outcome, detail)
        log = self._socket_dir / "kernel.log"
        if log.is_file() and log.stat().st_size:
            with log.open("rb") as handle:
                handle.seek(max(0, log.stat().st_size - 2000))
                self.log.warning("The kernel's last words:\n%s",
                                 handle.read().decode("utf-8", "replace"))

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int,
                                 execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        """Run one cell within its time and the notebook's; past either, kill the kernel
        and skip the cells that remain."""
        if self._run.outcome in STOPPED:
            return cell
        remaining = self._deadline - time.monotonic()
        limit = min(float(self.timeout or remaining) + self.kill_grace, remaining)
        started = time.monotonic()
        try:
            cell = await asyncio.wait_for(super().async_execute_cell(
                cell, cell_index, execution_count, store_history), max(limit, 0.1))
            if self._run.outcome == "completed" and any(
                    output.get("ename") == "CellTimeoutError"
                    for output in cell.get("outputs", [])):
                self._run.outcome = "interrupted"
                self._run.detail = (f"cell {cell_index + 1} was interrupted after {self.timeout} s"
                                    "; the cells after it ran")
            return cell
        except (TimeoutError, CellTimeoutError, DeadKernelError) as exc:
            # nbclient turns the cancellation by `wait_for` into DeadKernelError, so a dead
            # kernel at the time limit is a timeout; before it, the kernel really died.
            if isinstance(exc, DeadKernelError) and time.monotonic() - started < limit - 0.05:
                self._stop("crashed", f"the kernel died in cell {cell_index + 1} (a limit on "
                                      "memory, processes or CPU time, or the code exited)")
            else:
                over = time.monotonic() >= self._deadline
                self._stop("timeout", f"cell {cell_index + 1} ran past the "
                           + (f"notebook's {self.notebook_timeout} s" if over
                              else f"{self.timeout} s per cell"))
        cell.setdefault("outputs", []).append(from_dict({
            "output_type": "stream", "name": "stdout",
            "text": f"[autograde stopped the notebook here: {self._run.detail}]\n"}))
        await self._kill()
        return cell

    execute_cell = run_sync(async_execute_cell)

    async def _kill(self) -> None:
        if self.km is not None:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception as exc:  # the kernel may already be gone
                self.log.debug("kernel shutdown after a stop: %s", exc)

    def output(self, outs: list[NotebookNode], msg: dict, display_id: str | None,
               cell_index: int) -> NotebookNode | None:
        """Keep output until the notebook's budget is spent; then note it once and drop."""
        size = len(json.dumps(msg.get("content", {}), default=str))
        budget = self.output_kb * 1024
        if self._output_bytes > budget:
            return None
        self._output_bytes += size
        if self._output_bytes > budget:
            note = from_dict({"output_type": "stream", "name": "stdout",
                              "text": f"[output beyond {self.output_kb} kB dropped]\n"})
            outs.append(note)
            return note
        return super().output(outs, msg, display_id, cell_index)
