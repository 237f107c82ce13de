// Falco's falco.yaml keys that Saker reads, with Falco's meaning, and the
// ones it knowingly ignores (each ignored key is a warning, never silent).
#include <array>
#include <cmath>

#include "absl/strings/match.h"
#include "server/config/schema.h"

namespace saker::config::internal {
namespace {

Names<Priority> PriorityNames() {
  return {{"emergency", Priority::kEmergency},
          {"alert", Priority::kAlert},
          {"critical", Priority::kCritical},
          {"error", Priority::kError},
          {"warning", Priority::kWarning},
          {"notice", Priority::kNotice},
          {"informational", Priority::kInformational},
          {"info", Priority::kInformational},
          {"debug", Priority::kDebug}};
}

void AddRulesKeys(Schema* s) {
  s->Add("rules_files", StringList(
                            [](Config & c) -> auto& { return c.rules_files; }, CheckNonEmpty));
  // Falco's older name: a string or a list; rules_files wins when both are set.
  s->Add("rules_file", [](const Value& v, Context* ctx) {
    std::vector<std::string> files;
    if (v.node.IsScalar()) {
      files.push_back(v.node.Scalar());
    } else if (v.node.IsSequence()) {
      for (size_t i = 0; i < v.node.size(); ++i) {
        Value item = v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark());
        if (!item.node.IsScalar() || item.node.Scalar().empty()) {
          Expected(item, "a non-empty string", ctx);
          return;
        }
        files.push_back(item.node.Scalar());
      }
    } else if (v.node.IsDefined() && !v.node.IsNull()) {
      Expected(v, "a list of files", ctx);
      return;
    }
    ctx->legacy_rules_file = std::move(files);
    ctx->legacy_rules_file_where = v.where;
  });
  s->Add("rules", [](const Value& v, Context* ctx) {
    ctx->config->rules.clear();
    if (IsAbsent(v.node)) {
      return;
    }
    if (!v.node.IsSequence()) {
      Expected(v, "a list of {enable: {rule: NAME}} or {disable: {tag: TAG}} items", ctx);
      return;
    }
    for (size_t i = 0; i < v.node.size(); ++i) {
      Value item = v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark());
      if (!item.node.IsMap() || item.node.size() != 1) {
        Expected(item, "a map with one key, enable or disable", ctx);
        continue;
      }
      auto it = item.node.begin();
      const std::string action = it->first.Scalar();
      Value what = item.Child(it->second, absl::StrCat(item.key, ".", action), it->first.Mark());
      if (action != "enable" && action != "disable") {
        Expected(item, "a map with one key, enable or disable", ctx);
        continue;
      }
      if (!what.node.IsMap()) {
        Expected(what, "a map with rule or tag", ctx);
        continue;
      }
      RuleSelection sel;
      sel.enable = action == "enable";
      for (auto f = what.node.begin(); f != what.node.end(); ++f) {
        const std::string name = f->first.Scalar();
        Value field = what.Child(f->second, absl::StrCat(what.key, ".", name), f->first.Mark());
        std::string* out = name == "rule" ? &sel.rule : name == "tag" ? &sel.tag : nullptr;
        if (out == nullptr) {
          Expected(field, "rule or tag", ctx);
        } else if (auto text = StringValue(field, ctx)) {
          *out = *text;
        }
      }
      if (sel.rule.empty() && sel.tag.empty()) {
        Expected(what, "a map with rule or tag", ctx);
        continue;
      }
      ctx->config->rules.push_back(std::move(sel));
    }
  });
  s->Add("priority", Enum<Priority>(
                         [](Config & c) -> auto& { return c.priority; }, PriorityNames()));
  s->Add("rule_matching",
         Enum<RuleMatching>([](Config & c) -> auto& { return c.rule_matching; },
                            {{"first", RuleMatching::kFirst}, {"all", RuleMatching::kAll}}));
}

void AddJsonKeys(Schema* s) {
  s->Add("json_output", Bool([](Config & c) -> auto& { return c.json_output; }));
  s->Add("json_include_output_property",
         Bool([](Config & c) -> auto& { return c.json_include_output_property; }));
  s->Add("json_include_tags_property",
         Bool([](Config & c) -> auto& { return c.json_include_tags_property; }));
  s->Add("json_include_message_property",
         Bool([](Config & c) -> auto& { return c.json_include_message_property; }));
  s->Add("json_include_output_fields_property",
         Bool([](Config & c) -> auto& { return c.json_include_output_fields_property; }));
  s->Add("time_format_iso_8601", Bool([](Config & c) -> auto& { return c.time_format_iso_8601; }));
  s->Add("buffered_outputs", Bool([](Config & c) -> auto& { return c.buffered_outputs; }));
  s->Add("outputs_queue.capacity", [](const Value& v, Context* ctx) {
    if (auto n = IntValue(v, 0, INT64_MAX, ctx)) {
      ctx->config->outputs_queue.capacity =
          *n == 0 ? kUnboundedOutputsQueue : static_cast<uint64_t>(*n);
    }
  });
}

void AddOutputKeys(Schema* s) {
  s->Add("stdout_output.enabled",
         Bool([](Config & c) -> auto& { return c.stdout_output.enabled; }));
  s->Add("file_output.enabled", Bool([](Config & c) -> auto& { return c.file_output.enabled; }));
  s->Add("file_output.keep_alive",
         Bool([](Config & c) -> auto& { return c.file_output.keep_alive; }));
  s->Add("file_output.filename",
         String([](Config & c) -> auto& { return c.file_output.filename; }));
  s->Add("grpc_output.enabled", Bool([](Config & c) -> auto& { return c.grpc_output.enabled; }));
}

void AddHttpKeys(Schema* s) {
  auto h = [](Config& c) -> HttpOutput& { return c.http_output; };
  s->Add("http_output.enabled", Bool([h](Config & c) -> auto& { return h(c).enabled; }));
  s->Add("http_output.url", [h](const Value& v, Context* ctx) {
    // An empty url is fine while the output is off (Falco's default file has one).
    auto str = StringValue(v, ctx);
    if (!str) {
      return;
    }
    if (!str->empty()) {
      if (std::string want = CheckUrl(*str); !want.empty()) {
        Expected(v, want, ctx);
        return;
      }
    }
    h(*ctx->config).url = *str;
  });
  s->Add("http_output.user_agent", String([h](Config & c) -> auto& { return h(c).user_agent; }));
  s->Add("http_output.insecure", Bool([h](Config & c) -> auto& { return h(c).insecure; }));
  s->Add("http_output.ca_cert", String([h](Config & c) -> auto& { return h(c).ca_cert; }));
  s->Add("http_output.ca_bundle", String([h](Config & c) -> auto& { return h(c).ca_bundle; }));
  s->Add("http_output.ca_path", String([h](Config & c) -> auto& { return h(c).ca_path; }));
  s->Add("http_output.mtls", Bool([h](Config & c) -> auto& { return h(c).mtls; }));
  s->Add("http_output.client_cert", String([h](Config & c) -> auto& { return h(c).client_cert; }));
  s->Add("http_output.client_key", String([h](Config & c) -> auto& { return h(c).client_key; }));
  s->Add("http_output.echo", Bool([h](Config & c) -> auto& { return h(c).echo; }));
  s->Add("http_output.compress_uploads",
         Bool([h](Config & c) -> auto& { return h(c).compress_uploads; }));
  s->Add("http_output.keep_alive", Bool([h](Config & c) -> auto& { return h(c).keep_alive; }));
}

void AddServerKeys(Schema* s) {
  s->Add("grpc.enabled", Bool([](Config & c) -> auto& { return c.grpc.enabled; }));
  s->Add("grpc.bind_address",
         String(
             [](Config & c) -> auto& { return c.grpc.bind_address; }, CheckBind));
  s->Add("grpc.threadiness", Int<uint32_t>(
                                 [](Config & c) -> auto& { return c.grpc.threadiness; }, 0, 1024));
  auto w = [](Config& c) -> Webserver& { return c.webserver; };
  s->Add("webserver.enabled", Bool([w](Config & c) -> auto& { return w(c).enabled; }));
  s->Add("webserver.threadiness",
         Int<uint32_t>(
             [w](Config & c) -> auto& { return w(c).threadiness; }, 0, 1024));
  s->Add("webserver.listen_port",
         Int<uint32_t>(
             [w](Config & c) -> auto& { return w(c).listen_port; }, 0, 65535));
  s->Add("webserver.listen_address",
         String(
             [w](Config & c) -> auto& { return w(c).listen_address; }, CheckHost));
  s->Add("webserver.k8s_healthz_endpoint",
         String(
             [w](Config & c) -> auto& { return w(c).k8s_healthz_endpoint; }, CheckEndpoint));
  s->Add("webserver.prometheus_metrics_enabled",
         Bool([w](Config & c) -> auto& { return w(c).prometheus_metrics_enabled; }));
  s->Add("webserver.ssl_enabled", Bool([w](Config & c) -> auto& { return w(c).ssl_enabled; }));
  s->Add("webserver.ssl_certificate",
         String([w](Config & c) -> auto& { return w(c).ssl_certificate; }));
}

void AddLogKeys(Schema* s) {
  s->Add("log_level", Enum<LogLevel>([](Config & c) -> auto& { return c.log_level; },
                                     {{"emergency", LogLevel::kEmergency},
                                      {"alert", LogLevel::kAlert},
                                      {"critical", LogLevel::kCritical},
                                      {"error", LogLevel::kError},
                                      {"warning", LogLevel::kWarning},
                                      {"notice", LogLevel::kNotice},
                                      {"info", LogLevel::kInfo},
                                      {"debug", LogLevel::kDebug}}));
  s->Add("log_stderr", Bool([](Config & c) -> auto& { return c.log_stderr; }));
  s->Add("log_syslog", Bool([](Config & c) -> auto& { return c.log_syslog; }));
}

void AddDropKeys(Schema* s) {
  auto d = [](Config& c) -> SyscallEventDrops& { return c.syscall_event_drops; };
  s->Add("syscall_event_drops.actions", [d](const Value& v, Context* ctx) {
    if (!v.node.IsSequence()) {
      Expected(v, "a list of ignore, log, alert or exit", ctx);
      return;
    }
    const Names<DropAction> names = {{"ignore", DropAction::kIgnore},
                                     {"log", DropAction::kLog},
                                     {"alert", DropAction::kAlert},
                                     {"exit", DropAction::kExit}};
    std::vector<DropAction> actions;
    bool ok = true;
    for (size_t i = 0; i < v.node.size(); ++i) {
      Value item = v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark());
      if (auto a = EnumValue(item, names, ctx)) {
        actions.push_back(*a);
      } else {
        ok = false;
      }
    }
    if (ok) {
      d(*ctx->config).actions = std::move(actions);
    }
  });
  s->Add("syscall_event_drops.rate",
         Double(
             [d](Config & c) -> auto& { return d(c).rate; }, 0, INFINITY));
  s->Add("syscall_event_drops.max_burst",
         Int<uint32_t>(
             [d](Config & c) -> auto& { return d(c).max_burst; }, 0, UINT32_MAX));
  s->Add("syscall_event_drops.threshold",
         Double(
             [d](Config & c) -> auto& { return d(c).threshold; }, 0, 1));
}

void AddEngineKeys(Schema* s) {
  s->Add("engine.kind", [](const Value& v, Context* ctx) {
    const Names<EngineKind> names = {{"modern_ebpf", EngineKind::kModernEbpf},
                                     {"ebpf", EngineKind::kEbpf},
                                     {"kmod", EngineKind::kKmod},
                                     {"gvisor", EngineKind::kGvisor},
                                     {"replay", EngineKind::kReplay},
                                     {"nodriver", EngineKind::kNodriver}};
    auto kind = EnumValue(v, names, ctx);
    if (!kind) {
      return;
    }
    ctx->config->engine.kind = *kind;
    if (*kind != EngineKind::kModernEbpf) {
      ctx->diag->Warning(v.where, v.key,
                         absl::StrCat("saker always uses its own CO-RE eBPF probe; \"",
                                      v.node.Scalar(), "\" is treated as modern_ebpf"));
    }
  });
}

}  // namespace

void AddAppendOutputKey(Schema* s);  // append_output.cc

void AddFalcoKeys(Schema* s) {
  AddRulesKeys(s);
  AddJsonKeys(s);
  AddOutputKeys(s);
  AddHttpKeys(s);
  AddServerKeys(s);
  AddLogKeys(s);
  AddDropKeys(s);
  AddEngineKeys(s);
  AddAppendOutputKey(s);
}

bool IsUnsupportedFalcoKey(std::string_view path) {
  // Top-level Falco keys (whole sections) and sub-keys of supported sections.
  static constexpr std::array<std::string_view, 34> kKeys = {
      "config_files",
      "watch_config_files",
      "load_plugins",
      "plugins",
      "buffer_format_base64",
      "static_fields",
      "syslog_output",
      "program_output",
      "metrics",
      "libs_logger",
      "output_timeout",
      "syscall_event_timeouts",
      "syscall_buf_size_preset",
      "modern_bpf",
      "base_syscalls",
      "falco_libs",
      "container_engines",
      "capture",
      "stdout_output.color",
      "file_output.format",
      "http_output.max_consecutive_timeouts",
      "grpc.private_key",
      "grpc.cert_chain",
      "grpc.root_certs",
      "grpc.threadiness_max",
      "syscall_event_drops.simulate_drops",
      "engine.kmod",
      "engine.ebpf",
      "engine.modern_ebpf",
      "engine.replay",
      "engine.gvisor",
      "engine.nodriver",
      "outputs",
  };
  for (std::string_view k : kKeys) {
    if (path == k) {
      return true;
    }
  }
  return false;
}

}  // namespace saker::config::internal
