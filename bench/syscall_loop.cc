// A load generator for ci/bench: openat of a missing file then close, as
// fast as one CPU allows, for a number of seconds. Prints the syscall count.
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long calls = 0;
  for (;;) {
    for (int i = 0; i < 1000; ++i) {
      int fd = static_cast<int>(
          syscall(SYS_openat, AT_FDCWD, "/nonexistent/saker-loop", O_RDONLY));
      syscall(SYS_close, fd);
    }
    calls += 2000;
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) * 1e-9 >= seconds) {
      break;
    }
  }
  std::printf("%ld\n", calls);
  return 0;
}
