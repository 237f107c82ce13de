// The fields the StateExtractor knows, as a dense enum resolved once per
// field name (not per event).
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace saker::state {

#define SAKER_STATE_FIELDS(X)                                                          \
  X(kEvtNum, "evt.num") X(kEvtTime, "evt.time") X(kEvtTimeS, "evt.time.s")             \
  X(kEvtTimeIso, "evt.time.iso8601") X(kEvtDatetime, "evt.datetime")                   \
  X(kEvtDatetimeS, "evt.datetime.s") X(kEvtRawtime, "evt.rawtime")                     \
  X(kEvtRawtimeS, "evt.rawtime.s") X(kEvtRawtimeNs, "evt.rawtime.ns")                  \
  X(kEvtType, "evt.type") X(kSyscallType, "syscall.type") X(kEvtDir, "evt.dir")        \
  X(kEvtCpu, "evt.cpu") X(kEvtCategory, "evt.category") X(kEvtRes, "evt.res")          \
  X(kEvtRawres, "evt.rawres") X(kEvtFailed, "evt.failed") X(kEvtArgs, "evt.args")      \
  X(kEvtInfo, "evt.info") X(kEvtArg, "evt.arg") X(kEvtRawarg, "evt.rawarg")            \
  X(kEvtIsOpenRead, "evt.is_open_read") X(kEvtIsOpenWrite, "evt.is_open_write")        \
  X(kEvtIsOpenExec, "evt.is_open_exec") X(kEvtIsOpenCreate, "evt.is_open_create")      \
  X(kEvtBuffer, "evt.buffer") X(kEvtBuflen, "evt.buflen") X(kEvtHostname, "evt.hostname") \
  X(kEvtSource, "evt.source") X(kEvtIsAsync, "evt.is_async") X(kEvtAbspath, "evt.abspath") \
  X(kProcName, "proc.name") X(kProcExe, "proc.exe") X(kProcExepath, "proc.exepath")    \
  X(kProcExeline, "proc.exeline") X(kProcCmdline, "proc.cmdline") X(kProcArgs, "proc.args") \
  X(kProcCmdnargs, "proc.cmdnargs") X(kProcCmdlenargs, "proc.cmdlenargs")              \
  X(kProcPid, "proc.pid") X(kProcPpid, "proc.ppid") X(kProcVpid, "proc.vpid")          \
  X(kProcPvpid, "proc.pvpid") X(kProcSid, "proc.sid") X(kProcSname, "proc.sname")      \
  X(kProcSidExe, "proc.sid.exe") X(kProcSidExepath, "proc.sid.exepath")                \
  X(kProcPgid, "proc.pgid") X(kProcVpgid, "proc.vpgid") X(kProcPgidName, "proc.pgid.name") \
  X(kProcVpgidName, "proc.vpgid.name") X(kProcIsSidLeader, "proc.is_sid_leader")       \
  X(kProcIsVpgidLeader, "proc.is_vpgid_leader") X(kProcIsPgidLeader, "proc.is_pgid_leader") \
  X(kProcTty, "proc.tty") X(kProcEnv, "proc.env") X(kProcCwd, "proc.cwd")              \
  X(kProcDuration, "proc.duration") X(kProcPidTs, "proc.pid.ts")                        \
  X(kProcPpidTs, "proc.ppid.ts") X(kProcPpidDuration, "proc.ppid.duration")            \
  X(kProcPname, "proc.pname") X(kProcPexe, "proc.pexe") X(kProcPexepath, "proc.pexepath") \
  X(kProcPcmdline, "proc.pcmdline") X(kProcAname, "proc.aname") X(kProcAexe, "proc.aexe") \
  X(kProcAexepath, "proc.aexepath") X(kProcAcmdline, "proc.acmdline")                  \
  X(kProcApid, "proc.apid") X(kProcAenv, "proc.aenv")                                   \
  X(kProcIsExeWritable, "proc.is_exe_writable")                                        \
  X(kProcIsExeUpperLayer, "proc.is_exe_upper_layer")                                   \
  X(kProcIsExeLowerLayer, "proc.is_exe_lower_layer")                                   \
  X(kProcIsExeFromMemfd, "proc.is_exe_from_memfd") X(kProcExeIno, "proc.exe_ino")      \
  X(kProcExeInoCtime, "proc.exe_ino.ctime") X(kProcExeInoMtime, "proc.exe_ino.mtime")  \
  X(kProcExeInoCtimeDuration, "proc.exe_ino.ctime_duration_proc_start")               \
  X(kProcFdopencount, "proc.fdopencount") X(kProcNthreads, "proc.nthreads")            \
  X(kProcNchilds, "proc.nchilds") X(kProcStdinType, "proc.stdin.type")                 \
  X(kProcStdoutType, "proc.stdout.type") X(kProcStderrType, "proc.stderr.type")        \
  X(kProcStdinName, "proc.stdin.name") X(kProcStdoutName, "proc.stdout.name")          \
  X(kProcStderrName, "proc.stderr.name")                                                \
  X(kProcIsHealthcheck, "proc.is_container_healthcheck")                               \
  X(kProcIsLiveness, "proc.is_container_liveness_probe")                               \
  X(kProcIsReadiness, "proc.is_container_readiness_probe")                             \
  X(kThreadTid, "thread.tid") X(kThreadVtid, "thread.vtid") X(kThreadIsmain, "thread.ismain") \
  X(kThreadCapPermitted, "thread.cap_permitted")                                       \
  X(kThreadCapEffective, "thread.cap_effective")                                       \
  X(kThreadCapInheritable, "thread.cap_inheritable") X(kThreadCgroups, "thread.cgroups") \
  X(kThreadCgroup, "thread.cgroup") X(kUserUid, "user.uid") X(kUserName, "user.name")  \
  X(kUserHomedir, "user.homedir") X(kUserShell, "user.shell")                          \
  X(kUserLoginuid, "user.loginuid") X(kUserLoginname, "user.loginname")                \
  X(kGroupGid, "group.gid") X(kGroupName, "group.name")                                \
  X(kFdNum, "fd.num") X(kFdType, "fd.type") X(kFdTypechar, "fd.typechar")              \
  X(kFdName, "fd.name") X(kFdNameraw, "fd.nameraw") X(kFdDirectory, "fd.directory")    \
  X(kFdFilename, "fd.filename") X(kFdIp, "fd.ip") X(kFdCip, "fd.cip") X(kFdSip, "fd.sip") \
  X(kFdLip, "fd.lip") X(kFdRip, "fd.rip") X(kFdPort, "fd.port") X(kFdCport, "fd.cport") \
  X(kFdSport, "fd.sport") X(kFdLport, "fd.lport") X(kFdRport, "fd.rport")              \
  X(kFdNet, "fd.net") X(kFdCnet, "fd.cnet") X(kFdSnet, "fd.snet") X(kFdLnet, "fd.lnet") \
  X(kFdRnet, "fd.rnet") X(kFdL4proto, "fd.l4proto") X(kFdSockfamily, "fd.sockfamily")  \
  X(kFdIsServer, "fd.is_server") X(kFdConnected, "fd.connected")                       \
  X(kFdNameChanged, "fd.name_changed") X(kFdIno, "fd.ino") X(kFdUid, "fd.uid")         \
  X(kFdTypes, "fd.types") X(kFdContainername, "fd.containername")                      \
  X(kFdContainerdirectory, "fd.containerdirectory")                                    \
  X(kFsPathName, "fs.path.name") X(kFsPathNameraw, "fs.path.nameraw")                  \
  X(kFsPathSource, "fs.path.source") X(kFsPathSourceraw, "fs.path.sourceraw")          \
  X(kFsPathTarget, "fs.path.target") X(kFsPathTargetraw, "fs.path.targetraw")          \
  X(kContainerId, "container.id") X(kContainerFullId, "container.full_id")             \
  X(kContainerName, "container.name") X(kContainerImage, "container.image")            \
  X(kContainerImageId, "container.image.id") X(kContainerType, "container.type")       \
  X(kContainerPrivileged, "container.privileged") X(kContainerMounts, "container.mounts") \
  X(kContainerMount, "container.mount") X(kContainerMountSource, "container.mount.source") \
  X(kContainerMountDest, "container.mount.dest")                                       \
  X(kContainerMountMode, "container.mount.mode")                                       \
  X(kContainerMountRdwr, "container.mount.rdwr")                                       \
  X(kContainerMountPropagation, "container.mount.propagation")                         \
  X(kContainerImageRepository, "container.image.repository")                          \
  X(kContainerImageTag, "container.image.tag")                                         \
  X(kContainerImageDigest, "container.image.digest")                                   \
  X(kContainerLabel, "container.label") X(kContainerLabels, "container.labels")        \
  X(kK8sPodName, "k8s.pod.name") X(kK8sNsName, "k8s.ns.name") X(kK8sPodUid, "k8s.pod.uid")

enum class Field : uint16_t {
  kUnknown = 0,
#define SAKER_X(code, name) code,
  SAKER_STATE_FIELDS(SAKER_X)
#undef SAKER_X
};

// The code of a field name; kUnknown for fields this extractor does not
// provide (they are then never extractable).
Field FieldCodeOf(absl::string_view name);
absl::string_view FieldCodeName(Field f);

}  // namespace saker::state
