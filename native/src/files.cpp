// Opening untrusted files: only regular files, and never blocking on a named pipe.
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../osprey_native.h"

extern "C" {

int osp_open_regular_file(const char* path, int32_t* fd, int64_t* size) {
  *fd = -1;
  *size = 0;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
  int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (f < 0) return -errno;
  struct stat st;
  if (fstat(f, &st) != 0) {
    int e = errno;
    close(f);
    return -e;
  }
  if (!S_ISREG(st.st_mode)) {
    close(f);
    return static_cast<int>(st.st_mode & S_IFMT);
  }
  int flags = fcntl(f, F_GETFL);
  if (flags < 0 || fcntl(f, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    int e = errno;
    close(f);
    return -e;
  }
  *fd = f;
  *size = static_cast<int64_t>(st.st_size);
  return 0;
}

}  // extern "C"
