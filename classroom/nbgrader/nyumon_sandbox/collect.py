"""``nbgrader collect`` without following symbolic links (c.ExchangeFactory.collect).

The inbound folder is writable by every student (2733): one can put a folder there by hand,
without ``nbgrader submit``, holding a link to a file of the instructor's (the answer key, the
gradebook). nbgrader's collect copies with ``shutil.copytree``, which follows links with the
instructor's rights: the linked file would become that student's "hand-in", and autograde and
feedback would hand its content back. Here links are left out, with a warning naming them.
"""

from __future__ import annotations

import os
import shutil

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns


class CollectWithoutLinks(ExchangeCollect):
    def do_copy(self, src, dest, log=None):
        base = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                               max_file_size=self.coursedir.max_file_size, log=self.log)  # fmt: skip

        def ignore(folder, names):
            links = {n for n in names if os.path.islink(os.path.join(folder, n))}
            for name in sorted(links):
                self.log.warning("Not collected (a symbolic link): %s", os.path.join(folder, name))
            return set(base(folder, names)) | links

        if os.path.islink(src):
            self.log.warning("Not collected (a symbolic link): %s", src)
            return
        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:  # as nbgrader's own
            raise RuntimeError(f"Directory size is too big: {src}")
        if self.coursedir.groupshared:
            raise RuntimeError("CollectWithoutLinks does not support CourseDirectory.groupshared")
        shutil.copytree(src, dest, ignore=ignore)
