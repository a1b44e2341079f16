"""The classroom hub's spawner: LocalProcessSpawner inside a cgroup with the limits (limits.py).

Imported by jupyterhub_config.py, in the course runtime where JupyterHub is installed."""

from __future__ import annotations

import os

from jupyterhub.spawner import LocalProcessSpawner

from classroom.limits import StudentGroup


class LimitedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose server, and every kernel it starts, runs in its own cgroup."""

    def group(self) -> StudentGroup:
        name = self.user.name if not self.name else f"{self.user.name}-{self.name}"
        return StudentGroup(name)

    def get_env(self) -> dict:
        env = super().get_env()
        env["NYUMON_MEMORY_EVENTS"] = str(self.group().events)
        env["NYUMON_MEMORY_LIMIT"] = str(self.mem_limit or 0)
        return env

    def make_preexec_fn(self, name: str):
        become = super().make_preexec_fn(name)
        group = self.group()

        def preexec() -> None:
            group.join(os.getpid())  # as root, before the server becomes the student
            become()

        return preexec

    async def start(self):
        group = self.group()
        group.remove()  # a group left by a server that died with the hub
        group.make(int(self.mem_limit or 0), float(self.cpu_limit or 0))
        self.log.info(
            "%s: limits %s bytes of memory, %s CPUs (cgroup %s)",
            self.user.name, self.mem_limit, self.cpu_limit, group.dirs[0],
        )  # fmt: skip
        return await super().start()

    async def stop(self, now: bool = False) -> None:
        await super().stop(now=now)
        self.group().remove()
