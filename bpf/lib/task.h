// Reading the current task: its files, paths (built by walking dentries, as
// bpf_d_path() is not allowed from tp_btf/sys_exit), cgroup and terminal.
#pragma once

#ifndef container_of
#define container_of(ptr, type, member) \
  ((type *)((void *)(ptr) - bpf_core_field_offset(type, member)))
#endif

#define SAKER_S_IFMT 0170000
#define SAKER_S_IFSOCK 0140000

// The kernfs parent pointer was renamed to __parent in 6.15.
struct kernfs_node___pre615 {
  struct kernfs_node *parent;
} __attribute__((preserve_access_index));

// struct inode times: i_mtime_sec/nsec since 6.11, timespec64 before.
struct inode___pre611 {
  struct timespec64 i_mtime;
  struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

// The file open at `fd` in the current task, or NULL.
static __always_inline struct file *task__fd_file(struct task_struct *task, __s64 fd) {
  if (fd < 0) return NULL;
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  __u32 max = BPF_CORE_READ(fdt, max_fds);
  if ((__u64)fd >= max) return NULL;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

// The struct sock behind `fd`, or NULL if it is not a socket.
static __always_inline struct sock *task__fd_sock(struct task_struct *task, __s64 fd) {
  struct file *f = task__fd_file(task, fd);
  if (!f) return NULL;
  umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
  if ((mode & SAKER_S_IFMT) != SAKER_S_IFSOCK) return NULL;
  struct socket *sock = BPF_CORE_READ(f, private_data);
  return BPF_CORE_READ(sock, sk);
}

static __always_inline struct saker_pathbuf *pathbuf__get(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&pathbuf, &zero);
}

// Paths are walked with bpf_loop() (5.17): its callback is verified once,
// whereas an open-coded loop of this size, with helper calls and branches
// in every step, multiplies verifier states past the 1M-insn limit.

struct join_ctx {
  struct saker_pathbuf *pb;
  int truncated;
};

// Appends "/" + names[--n] to the buffer.
static long pathbuf__join_step(__u32 i, void *arg) {
  struct join_ctx *c = arg;
  struct saker_pathbuf *pb = c->pb;
  if (pb->n == 0) return 1;
  __u32 n = pb->n - 1;
  pb->n = n;
  __u32 off = pb->off;
  if (off > SAKER_MAX_PATH - SAKER_NAME_MAX) {
    c->truncated = 1;
    return 1;
  }
  pb->buf[off & (SAKER_MAX_PATH - 1)] = '/';
  off++;
  long r = bpf_probe_read_kernel_str(&pb->buf[off & (SAKER_MAX_PATH - 1)], SAKER_NAME_MAX,
                                     (const void *)pb->names[n & (SAKER_PATH_DEPTH - 1)]);
  if (r > 0) off += r - 1;
  pb->off = off;
  return 0;
}

// Writes "/" + names[n-1] + "/" + ... + names[0] into pb->buf and returns
// its length ("/" when there are no names).
static __always_inline __u32 pathbuf__join(struct saker_pathbuf *pb, int *truncated) {
  if (pb->n == 0) {
    pb->buf[0] = '/';
    return 1;
  }
  struct join_ctx c = {.pb = pb, .truncated = 0};
  pb->off = 0;
  bpf_loop(SAKER_PATH_DEPTH, pathbuf__join_step, &c, 0);
  if (c.truncated) *truncated = 1;
  return pb->off;
}

struct dentry_walk {
  struct saker_pathbuf *pb;
  struct dentry *d;
  struct vfsmount *vmnt;
  struct mount *mnt;
  struct dentry *root_d;
  struct vfsmount *root_m;
  int done;
};

// One step from w->d towards the root: record its name, or cross from the
// root of a mount to its mountpoint in the parent mount.
static long dentry__walk_step(__u32 i, void *arg) {
  struct dentry_walk *w = arg;
  struct dentry *d = w->d;
  if (d == w->root_d && w->vmnt == w->root_m) {
    w->done = 1;
    return 1;
  }
  // (Locals: CO-RE reads must start from a kernel type, not from *w.)
  struct vfsmount *vmnt = w->vmnt;
  struct mount *mnt = w->mnt;
  struct dentry *mnt_root = BPF_CORE_READ(vmnt, mnt_root);
  struct dentry *parent = BPF_CORE_READ(d, d_parent);
  if (d == mnt_root || d == parent) {
    struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
    if (up == mnt || d != mnt_root) {
      w->done = 1;  // the top of the mount tree, or a detached dentry
      return 1;
    }
    w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
    w->mnt = up;
    w->vmnt = (struct vfsmount *)((void *)up + bpf_core_field_offset(struct mount, mnt));
    return 0;
  }
  struct saker_pathbuf *pb = w->pb;
  __u32 n = pb->n;
  if (n >= SAKER_PATH_DEPTH) return 1;
  pb->names[n & (SAKER_PATH_DEPTH - 1)] = (__u64)BPF_CORE_READ(d, d_name.name);
  pb->n = n + 1;
  w->d = parent;
  return 0;
}

// Builds the path of (dentry, vfsmount) as seen from the task's root, like
// d_path(), into the path buffer. Bounded to SAKER_PATH_DEPTH components
// (and twice as many steps, mount crossings included); a deeper path keeps
// its leaf-most components and is flagged truncated. A dentry renamed
// concurrently can yield a stale name: best effort.
static __always_inline __u32 path__from_dentry(struct dentry *d, struct vfsmount *vmnt,
                                               struct task_struct *task, int *truncated) {
  struct saker_pathbuf *pb = pathbuf__get();
  if (!pb) return 0;
  struct dentry_walk w = {
      .pb = pb,
      .d = d,
      .vmnt = vmnt,
      .mnt = container_of(vmnt, struct mount, mnt),
      .root_d = BPF_CORE_READ(task, fs, root.dentry),
      .root_m = BPF_CORE_READ(task, fs, root.mnt),
      .done = 0,
  };
  pb->n = 0;
  bpf_loop(SAKER_PATH_DEPTH * 2, dentry__walk_step, &w, 0);
  if (!w.done) *truncated = 1;
  return pathbuf__join(pb, truncated);
}

static __always_inline struct kernfs_node *kernfs__parent(struct kernfs_node *kn) {
  if (bpf_core_field_exists(kn->__parent)) return BPF_CORE_READ(kn, __parent);
  struct kernfs_node___pre615 *old = (void *)kn;
  return BPF_CORE_READ(old, parent);
}

struct kernfs_walk {
  struct saker_pathbuf *pb;
  struct kernfs_node *kn;
};

static long kernfs__walk_step(__u32 i, void *arg) {
  struct kernfs_walk *w = arg;
  struct kernfs_node *kn = w->kn;
  if (!kn) return 1;
  struct kernfs_node *parent = kernfs__parent(kn);
  if (!parent) return 1;  // the hierarchy's root has no name of its own
  struct saker_pathbuf *pb = w->pb;
  __u32 n = pb->n;
  if (n >= SAKER_PATH_DEPTH) return 1;
  pb->names[n & (SAKER_PATH_DEPTH - 1)] = (__u64)BPF_CORE_READ(kn, name);
  pb->n = n + 1;
  w->kn = parent;
  return 0;
}

// The cgroup v2 path of the task ("/" for the root cgroup).
static __always_inline __u32 path__from_cgroup(struct task_struct *task, int *truncated) {
  struct saker_pathbuf *pb = pathbuf__get();
  if (!pb) return 0;
  struct kernfs_walk w = {.pb = pb, .kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn)};
  pb->n = 0;
  bpf_loop(SAKER_PATH_DEPTH, kernfs__walk_step, &w, 0);
  struct kernfs_node *last = w.kn;
  if (last && kernfs__parent(last)) *truncated = 1;
  return pathbuf__join(pb, truncated);
}

// Pushes a path built in the path buffer as a STR blob.
static __always_inline void event__push_pathbuf(struct event *e, __u16 param, __u32 len,
                                                int truncated) {
  struct saker_pathbuf *pb = pathbuf__get();
  if (!pb) return;
  if (len > SAKER_MAX_PATH) len = SAKER_MAX_PATH;
  event__push_flags(e, param, SAKER_BLOB_STR, pb->buf, len, SAKER_MAX_PATH, READ_KERNEL,
                    truncated ? SAKER_BLOB_TRUNCATED : 0);
}

static __always_inline void event__push_file_path(struct event *e, __u16 param,
                                                  struct task_struct *task, const struct path *p) {
  int truncated = 0;
  struct dentry *d = BPF_CORE_READ(p, dentry);
  struct vfsmount *m = BPF_CORE_READ(p, mnt);
  if (!d || !m) {
    event__push(e, param, SAKER_BLOB_STR, NULL, 1, 1, READ_KERNEL);  // a fault
    return;
  }
  __u32 len = path__from_dentry(d, m, task, &truncated);
  event__push_pathbuf(e, param, len, truncated);
}

// The controlling terminal as a dev_t in the userspace (new) encoding.
static __always_inline __u32 task__tty(struct task_struct *task) {
  struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
  if (!tty) return 0;
  __u32 major = BPF_CORE_READ(tty, driver, major);
  __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline __u32 task__pid_nr(struct task_struct *task, int type) {
  struct pid *p = BPF_CORE_READ(task, signal, pids[type]);
  if (!p) return 0;
  return BPF_CORE_READ(p, numbers[0].nr);
}
