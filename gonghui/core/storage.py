"""The file storage of uploads: Django's FileSystemStorage that leaves no partial file behind.

Django's FileSystemStorage creates the file and then writes the upload into it chunk by chunk; a
write that fails half-way (the disk fills up, a quota is reached) leaves the truncated file on
disk, with no row pointing to it. This storage removes what it had started to write and raises
the error again, so a full disk costs the user a clear message (gonghui.core.faults) and the
server no orphan files.
"""

import logging
import os

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.exists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed and os.path.exists(full_path):
                self._remove_partial(full_path)
            raise

    @staticmethod
    def _remove_partial(full_path):
        try:
            os.remove(full_path)
        except OSError:  # the error being raised is the one to report
            logger.exception("could not remove the partial upload %s", full_path)
        else:
            logger.warning("removed the partial upload %s after a failed write", full_path)
