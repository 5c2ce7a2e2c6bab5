#!/usr/bin/python3
"""A FUSE pass-through file system that behaves like the ones that break O_DIRECT readers: statvfs reports a
block size of 0 (as some FUSE file systems do) and opening with O_DIRECT fails with EINVAL, or, with
--open-direct, succeeds (so only the block size of 0 is left to trip a reader).

    no-direct-io-fs.py [--open-direct] SOURCE_DIR MOUNT_POINT   (runs in the foreground; unmount with fusermount3 -u)

With --eio-after OFFSET it is instead a failing disk: a normal block size, O_DIRECT allowed, and every read that
reaches byte OFFSET of a file fails with EIO.

Used by the reliability tests (docs/reliability.md) to check that weights fall back to buffered reads."""
import errno
import os
import sys

from fusepy import FUSE, FuseOSError, Operations


class NoDirectIo(Operations):
    def __init__(self, root, open_direct, eio_after=None):
        self.root = root
        self.open_direct = open_direct or eio_after is not None
        self.eio_after = eio_after

    def _path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def getattr(self, path, fh=None):
        st = os.lstat(self._path(path))
        keys = ('st_atime', 'st_ctime', 'st_gid', 'st_mode', 'st_mtime', 'st_nlink', 'st_size', 'st_uid')
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._path(path))

    def statfs(self, path):
        sv = os.statvfs(self._path(path))
        out = {k: getattr(sv, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_favail', 'f_ffree', 'f_files', 'f_flag', 'f_namemax')}
        if self.eio_after is None:
            out['f_bsize'] = 0
            out['f_frsize'] = 0
        else:
            out['f_bsize'] = out['f_frsize'] = 4096
        return out

    def open(self, path, flags):
        if flags & os.O_DIRECT:
            if not self.open_direct:
                raise FuseOSError(errno.EINVAL)
            flags &= ~os.O_DIRECT  # the pass-through itself reads through the page cache
        return os.open(self._path(path), flags)

    def create(self, path, mode, fi=None):
        return os.open(self._path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def read(self, path, size, offset, fh):
        if self.eio_after is not None and offset + size > self.eio_after:
            raise FuseOSError(errno.EIO)
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        os.truncate(self._path(path), length)

    def rename(self, old, new):
        os.rename(self._path(old), self._path(new))

    def unlink(self, path):
        os.unlink(self._path(path))

    def mkdir(self, path, mode):
        os.mkdir(self._path(path), mode)

    def chmod(self, path, mode):
        os.chmod(self._path(path), mode)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        os.fsync(fh)
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0


if __name__ == '__main__':
    args = sys.argv[1:]
    open_direct = '--open-direct' in args
    args = [a for a in args if a != '--open-direct']
    eio_after = None
    if '--eio-after' in args:
        i = args.index('--eio-after')
        eio_after = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    FUSE(NoDirectIo(os.path.abspath(args[0]), open_direct, eio_after), args[1], foreground=True, nothreads=True)
