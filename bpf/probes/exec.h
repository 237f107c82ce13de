// execve / execveat on sys_exit (floor 5.11 for bpf_get_current_task_btf).
//
// Why exit and not sched_process_exec: exit also sees failed execs (with the
// errno), and one hook serves both syscalls. After a successful exec the
// registers have been reset for the new program, so nothing is read from
// args[]: everything comes from the task, which now is the new program.
//  - exe path: mm->exe_file->f_path joined by walking dentries up to the
//    task's root (bpf_d_path is not allowed here), SAKER_PATH_DEPTH deep;
//  - argv/env: the new program's mm->arg_start..arg_end / env_start..env_end
//    (NUL-separated, capped by saker_argv_max / saker_env_max);
//  - cwd: fs->pwd, the same walk; cgroup: the cgroup v2 path of kernfs names;
//  - saker_exec_info: creds' capability sets, exe inode number and times,
//    tty, loginuid, pgid, sid and exe flags (see exec__exe_flags).
// On failure the filename argument is still the caller's: read it (TOCTOU:
// the caller's memory may have changed since the kernel read it).
// A successful execveat reaches sys_exit with orig_ax == __NR_execve (seen
// on 6.18), so it is dispatched to, and reported as, execve; a failed one
// keeps its own number.
#pragma once

#define SAKER_OVERLAYFS_SUPER_MAGIC 0x794c7630
#define SAKER_S_IWUSR 0200
#define SAKER_S_IWGRP 0020
#define SAKER_S_IWOTH 0002

// Best effort:
//  - UPPER_LAYER: the exe's dentry is on overlayfs and its ovl_inode has an
//    upper dentry (a file created or copied up in the container's layer);
//  - MEMFD: the exe was opened from memfd_create() (name "memfd:...", no
//    links), i.e. a fileless execution;
//  - WRITABLE: by the task's euid/egid per the mode bits, or euid 0 (no
//    ACLs, no read-only mounts considered).
static __always_inline __u32 exec__exe_flags(struct file *exe, struct task_struct *task) {
  __u32 flags = 0;
  struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
  struct inode *inode = BPF_CORE_READ(d, d_inode);
  if (bpf_core_type_exists(struct ovl_inode) &&
      BPF_CORE_READ(inode, i_sb, s_magic) == SAKER_OVERLAYFS_SUPER_MAGIC) {
    struct ovl_inode *oi = container_of(inode, struct ovl_inode, vfs_inode);
    if (BPF_CORE_READ(oi, __upperdentry)) flags |= SAKER_EXE_UPPER_LAYER;
  }
  char name[8] = {};
  bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(d, d_name.name));
  if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
      name[5] == ':' && BPF_CORE_READ(exe, f_inode, i_nlink) == 0) {
    flags |= SAKER_EXE_MEMFD;
  }
  struct inode *fi = BPF_CORE_READ(exe, f_inode);
  umode_t mode = BPF_CORE_READ(fi, i_mode);
  const struct cred *cred = BPF_CORE_READ(task, cred);
  __u32 euid = BPF_CORE_READ(cred, euid.val);
  __u32 egid = BPF_CORE_READ(cred, egid.val);
  if (euid == 0 || (mode & SAKER_S_IWOTH) ||
      ((mode & SAKER_S_IWUSR) && BPF_CORE_READ(fi, i_uid.val) == euid) ||
      ((mode & SAKER_S_IWGRP) && BPF_CORE_READ(fi, i_gid.val) == egid)) {
    flags |= SAKER_EXE_WRITABLE;
  }
  return flags;
}

static __always_inline void exec__inode_times(struct inode *inode, struct saker_exec_info *info) {
  if (bpf_core_field_exists(inode->i_mtime_sec)) {
    info->exe_mtime_ns = BPF_CORE_READ(inode, i_mtime_sec) * 1000000000ull +
                         BPF_CORE_READ(inode, i_mtime_nsec);
    info->exe_ctime_ns = BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ull +
                         BPF_CORE_READ(inode, i_ctime_nsec);
  } else {
    struct inode___pre611 *old = (void *)inode;
    info->exe_mtime_ns = BPF_CORE_READ(old, i_mtime.tv_sec) * 1000000000ull +
                         BPF_CORE_READ(old, i_mtime.tv_nsec);
    info->exe_ctime_ns = BPF_CORE_READ(old, __i_ctime.tv_sec) * 1000000000ull +
                         BPF_CORE_READ(old, __i_ctime.tv_nsec);
  }
}

static __always_inline void exec__fill_info(struct task_struct *task, struct file *exe,
                                            struct saker_exec_info *info) {
  __builtin_memset(info, 0, sizeof(*info));
  const struct cred *cred = BPF_CORE_READ(task, cred);
  bpf_probe_read_kernel(&info->cap_inheritable, 8,
                        __builtin_preserve_access_index(&cred->cap_inheritable));
  bpf_probe_read_kernel(&info->cap_permitted, 8,
                        __builtin_preserve_access_index(&cred->cap_permitted));
  bpf_probe_read_kernel(&info->cap_effective, 8,
                        __builtin_preserve_access_index(&cred->cap_effective));
  if (exe) {
    struct inode *inode = BPF_CORE_READ(exe, f_inode);
    info->exe_ino = BPF_CORE_READ(inode, i_ino);
    exec__inode_times(inode, info);
    info->exe_flags = exec__exe_flags(exe, task);
  }
  info->tty = task__tty(task);
  if (bpf_core_field_exists(task->loginuid)) {
    info->loginuid = BPF_CORE_READ(task, loginuid.val);
  } else {
    info->loginuid = (__u32)-1;
  }
  info->pgid = task__pid_nr(task, PIDTYPE_PGID);
  info->sid = task__pid_nr(task, PIDTYPE_SID);
}

// argv or env of the new program: [start, end) of its memory, the final NUL
// dropped so the blob is NUL-separated.
static __always_inline void exec__push_strlist(struct event *e, __u16 param, __u64 start,
                                               __u64 end, __u32 max) {
  __u64 len = end > start ? end - start : 0;
  if (len > 0) len--;
  if (max > SAKER_HALF) max = SAKER_HALF;
  event__push_user_bytes(e, param, SAKER_BLOB_STRLIST, start, len, max);
}

static __always_inline int exec__on_exit(struct pt_regs *regs, long ret, __u16 id,
                                         int filename_arg) {
  struct event e;
  if (!event__begin(&e, id, SAKER_CAT_PROCESS, regs, ret)) return 0;
  if (ret != 0) {
    event__push_user_path(&e, filename_arg, event__arg(&e, filename_arg));
    return event__submit(&e);
  }
  struct task_struct *task = bpf_get_current_task_btf();
  struct mm_struct *mm = BPF_CORE_READ(task, mm);
  struct file *exe = BPF_CORE_READ(mm, exe_file);
  struct saker_exec_info info;
  exec__fill_info(task, exe, &info);
  event__push_kernel_bytes(&e, SAKER_PARAM_EXEC_INFO, SAKER_BLOB_EXEC, &info, sizeof(info));
  if (exe) {
    event__push_file_path(&e, SAKER_PARAM_EXEPATH, task,
                          __builtin_preserve_access_index(&exe->f_path));
  }
  exec__push_strlist(&e, SAKER_PARAM_ARGV, BPF_CORE_READ(mm, arg_start),
                     BPF_CORE_READ(mm, arg_end), saker_argv_max);
  exec__push_strlist(&e, SAKER_PARAM_ENV, BPF_CORE_READ(mm, env_start),
                     BPF_CORE_READ(mm, env_end), saker_env_max);
  struct fs_struct *fs = BPF_CORE_READ(task, fs);
  event__push_file_path(&e, SAKER_PARAM_CWD, task, __builtin_preserve_access_index(&fs->pwd));
  int truncated = 0;
  __u32 len = path__from_cgroup(task, &truncated);
  event__push_pathbuf(&e, SAKER_PARAM_CGROUP, len, truncated);
  return event__submit(&e);
}

SAKER_PROBE(execve) { return exec__on_exit(regs, ret, SAKER_SYS_execve, 0); }
SAKER_PROBE(execveat) { return exec__on_exit(regs, ret, SAKER_SYS_execveat, 1); }
