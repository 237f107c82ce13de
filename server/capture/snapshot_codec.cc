#include "server/capture/snapshot_codec.h"

#include "absl/strings/str_cat.h"
#include "server/capture/codec.h"

namespace saker::capture {
namespace {

// Assigns the value of a StatusOr expression or returns its error.
#define SAKER_ASSIGN_OR_RETURN(lhs, expr) \
  {                                       \
    auto _v = (expr);                     \
    if (!_v.ok()) {                       \
      return _v.status();                 \
    }                                     \
    lhs = *std::move(_v);                 \
  }

void EncodeCreds(const Credentials& c, Encoder* e) {
  e->Varint(c.uid);
  e->Varint(c.gid);
  e->Varint(c.euid);
  e->Varint(c.egid);
  e->Varint(c.cap_inheritable);
  e->Varint(c.cap_permitted);
  e->Varint(c.cap_effective);
}

absl::Status DecodeCreds(Decoder* d, Credentials* c) {
  SAKER_ASSIGN_OR_RETURN(c->uid, d->Varint32());
  SAKER_ASSIGN_OR_RETURN(c->gid, d->Varint32());
  SAKER_ASSIGN_OR_RETURN(c->euid, d->Varint32());
  SAKER_ASSIGN_OR_RETURN(c->egid, d->Varint32());
  SAKER_ASSIGN_OR_RETURN(c->cap_inheritable, d->Varint());
  SAKER_ASSIGN_OR_RETURN(c->cap_permitted, d->Varint());
  SAKER_ASSIGN_OR_RETURN(c->cap_effective, d->Varint());
  return absl::OkStatus();
}

void EncodeStrings(const std::vector<std::string>& v, Encoder* e) {
  e->Varint(v.size());
  for (const std::string& s : v) {
    e->Bytes(s);
  }
}

absl::Status DecodeStrings(Decoder* d, std::vector<std::string>* v) {
  size_t n = 0;
  SAKER_ASSIGN_OR_RETURN(n, d->Count(1));
  for (size_t i = 0; i < n; ++i) {
    absl::string_view s;
    SAKER_ASSIGN_OR_RETURN(s, d->Bytes());
    v->emplace_back(s);
  }
  return absl::OkStatus();
}

absl::Status DecodeString(Decoder* d, std::string* s) {
  absl::string_view v;
  SAKER_ASSIGN_OR_RETURN(v, d->Bytes());
  s->assign(v.data(), v.size());
  return absl::OkStatus();
}

void EncodeThread(const ThreadInfo& t, Encoder* e) {
  e->Varint(t.tid);
  e->Varint(t.vtid);
  e->Bytes(t.comm);
  e->Varint(t.start_time_ns);
  EncodeCreds(t.creds, e);
}

absl::Status DecodeThread(Decoder* d, ThreadInfo* t) {
  SAKER_ASSIGN_OR_RETURN(t->tid, d->Varint32());
  SAKER_ASSIGN_OR_RETURN(t->vtid, d->Varint32());
  if (absl::Status s = DecodeString(d, &t->comm); !s.ok()) {
    return s;
  }
  SAKER_ASSIGN_OR_RETURN(t->start_time_ns, d->Varint());
  return DecodeCreds(d, &t->creds);
}

void EncodeFd(const FdInfo& f, Encoder* e) {
  e->Varint(static_cast<uint32_t>(f.fd));
  e->U8(static_cast<uint8_t>(f.type));
  e->Bytes(f.target);
  e->Varint(f.ino);
  e->U8(f.has_tuple ? 1 : 0);
  if (f.has_tuple) {
    const SocketTuple& t = f.tuple;
    e->Varint(t.family);
    e->Varint(t.proto);
    e->Varint(t.sport);
    e->Varint(t.dport);
    e->Bytes(t.saddr);
    e->Bytes(t.daddr);
    e->Bytes(t.unix_path);
    e->Varint(t.state);
  }
}

absl::StatusOr<uint16_t> DecodeU16(Decoder* d) {
  absl::StatusOr<uint32_t> v = d->Varint32();
  if (!v.ok()) {
    return v.status();
  }
  if (*v > 0xffff) {
    return absl::DataLossError(absl::StrCat("value ", *v, " exceeds 16 bits"));
  }
  return static_cast<uint16_t>(*v);
}

absl::Status DecodeTuple(Decoder* d, SocketTuple* t) {
  SAKER_ASSIGN_OR_RETURN(t->family, DecodeU16(d));
  SAKER_ASSIGN_OR_RETURN(t->proto, DecodeU16(d));
  SAKER_ASSIGN_OR_RETURN(t->sport, DecodeU16(d));
  SAKER_ASSIGN_OR_RETURN(t->dport, DecodeU16(d));
  for (std::string* s : {&t->saddr, &t->daddr, &t->unix_path}) {
    if (absl::Status st = DecodeString(d, s); !st.ok()) {
      return st;
    }
  }
  SAKER_ASSIGN_OR_RETURN(t->state, d->Varint32());
  return absl::OkStatus();
}

absl::Status DecodeFd(Decoder* d, FdInfo* f) {
  uint32_t fd = 0;
  SAKER_ASSIGN_OR_RETURN(fd, d->Varint32());
  f->fd = static_cast<int32_t>(fd);
  uint8_t type = 0;
  SAKER_ASSIGN_OR_RETURN(type, d->U8());
  if (type > kFdTypeMax) {
    return absl::DataLossError(absl::StrCat("unknown fd type ", type));
  }
  f->type = static_cast<FdType>(type);
  if (absl::Status s = DecodeString(d, &f->target); !s.ok()) {
    return s;
  }
  SAKER_ASSIGN_OR_RETURN(f->ino, d->Varint());
  uint8_t has_tuple = 0;
  SAKER_ASSIGN_OR_RETURN(has_tuple, d->U8());
  if (has_tuple > 1) {
    return absl::DataLossError(absl::StrCat("bad has_tuple byte ", has_tuple));
  }
  f->has_tuple = has_tuple == 1;
  return f->has_tuple ? DecodeTuple(d, &f->tuple) : absl::OkStatus();
}

void EncodeProcess(const ProcessInfo& p, Encoder* e) {
  for (uint32_t v : {p.pid, p.ppid, p.vpid, p.pgid, p.session, p.tty, p.loginuid, p.flags}) {
    e->Varint(v);
  }
  e->Bytes(p.comm);
  e->Bytes(p.exe);
  e->Bytes(p.exepath);
  EncodeStrings(p.argv, e);
  EncodeStrings(p.env, e);
  e->Bytes(p.cwd);
  EncodeCreds(p.creds, e);
  EncodeStrings(p.cgroups, e);
  for (uint64_t v : {p.start_time_ns, p.exe_ino, p.exe_ctime_ns, p.exe_mtime_ns}) {
    e->Varint(v);
  }
  e->Varint(p.threads.size());
  for (const ThreadInfo& t : p.threads) {
    EncodeThread(t, e);
  }
  e->Varint(p.fds.size());
  for (const FdInfo& f : p.fds) {
    EncodeFd(f, e);
  }
}

absl::Status DecodeProcess(Decoder* d, ProcessInfo* p) {
  for (uint32_t* v : {&p->pid, &p->ppid, &p->vpid, &p->pgid, &p->session, &p->tty, &p->loginuid,
                      &p->flags}) {
    SAKER_ASSIGN_OR_RETURN(*v, d->Varint32());
  }
  for (std::string* s : {&p->comm, &p->exe, &p->exepath}) {
    if (absl::Status st = DecodeString(d, s); !st.ok()) {
      return st;
    }
  }
  for (std::vector<std::string>* v : {&p->argv, &p->env}) {
    if (absl::Status st = DecodeStrings(d, v); !st.ok()) {
      return st;
    }
  }
  if (absl::Status st = DecodeString(d, &p->cwd); !st.ok()) {
    return st;
  }
  if (absl::Status st = DecodeCreds(d, &p->creds); !st.ok()) {
    return st;
  }
  if (absl::Status st = DecodeStrings(d, &p->cgroups); !st.ok()) {
    return st;
  }
  for (uint64_t* v : {&p->start_time_ns, &p->exe_ino, &p->exe_ctime_ns, &p->exe_mtime_ns}) {
    SAKER_ASSIGN_OR_RETURN(*v, d->Varint());
  }
  size_t n = 0;
  // A thread takes at least 11 bytes, an fd at least 5.
  SAKER_ASSIGN_OR_RETURN(n, d->Count(11));
  for (size_t i = 0; i < n; ++i) {  // grows with the input actually decoded
    if (absl::Status st = DecodeThread(d, &p->threads.emplace_back()); !st.ok()) {
      return st;
    }
  }
  SAKER_ASSIGN_OR_RETURN(n, d->Count(5));
  for (size_t i = 0; i < n; ++i) {
    if (absl::Status st = DecodeFd(d, &p->fds.emplace_back()); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace

void EncodeSnapshot(const ProcSnapshot& snap, std::string* out) {
  Encoder e(out);
  e.Varint(kSnapshotVersion);
  e.Varint(snap.taken_at_ns);
  e.Varint(snap.processes.size());
  for (const ProcessInfo& p : snap.processes) {
    EncodeProcess(p, &e);
  }
}

absl::Status DecodeSnapshot(absl::string_view in, ProcSnapshot* out) {
  *out = ProcSnapshot();
  Decoder d(in);
  uint32_t version = 0;
  SAKER_ASSIGN_OR_RETURN(version, d.Varint32());
  if (version != kSnapshotVersion) {
    return absl::UnimplementedError(absl::StrCat("snapshot version ", version,
                                                 " is not supported (this build reads ",
                                                 kSnapshotVersion, ")"));
  }
  SAKER_ASSIGN_OR_RETURN(out->taken_at_ns, d.Varint());
  size_t n = 0;
  // A process takes at least 28 bytes (one byte per field and list count).
  SAKER_ASSIGN_OR_RETURN(n, d.Count(28));
  for (size_t i = 0; i < n; ++i) {
    if (absl::Status st = DecodeProcess(&d, &out->processes.emplace_back()); !st.ok()) {
      return absl::DataLossError(absl::StrCat("snapshot process ", i, ": ", st.message()));
    }
  }
  if (!d.done()) {
    return absl::DataLossError(absl::StrCat("snapshot has ", d.remaining(), " trailing bytes"));
  }
  return absl::OkStatus();
}

#undef SAKER_ASSIGN_OR_RETURN

}  // namespace saker::capture
