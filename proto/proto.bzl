"""cc_grpc_proto_library: C++ (and gRPC) code from .proto files, offline.

Bazel's native proto rules need downloads, so this macro runs Debian's protoc
and grpc_cpp_plugin in a genrule. `proto_root` (relative to the package) is
the -I folder: the registered file names, and the include paths of the
generated headers, are the sources' paths relative to it. Falco's files use
proto_root = "falco" so they register as the bare `outputs.proto` etc.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

def cc_grpc_proto_library(name, srcs, deps = [], proto_deps = [], proto_root = "", grpc = True, **kwargs):
    """Generates and compiles C++ for `srcs`.

    Args:
      name: the cc_library's name.
      srcs: .proto files of this package, under proto_root.
      deps: cc deps (other cc_grpc_proto_library targets this one imports).
      proto_deps: the .proto files of `deps`, needed by protoc for imports.
      proto_root: the -I folder, relative to the package ("" = the package).
      grpc: also run grpc_cpp_plugin.
      **kwargs: passed to the cc_library (visibility, ...).
    """
    pkg = native.package_name()
    root = pkg + "/" + proto_root if proto_root else pkg
    outs = []
    rel = []
    for src in srcs:
        if proto_root and not src.startswith(proto_root + "/"):
            fail("%s is not under proto_root %s" % (src, proto_root))
        base = src[:-len(".proto")]
        outs.extend([base + ".pb.h", base + ".pb.cc"])
        if grpc:
            outs.extend([base + ".grpc.pb.h", base + ".grpc.pb.cc"])
        rel.append(src[len(proto_root) + 1:] if proto_root else src)

    out_dir = "$(GENDIR)/" + root
    cmd = "$(location @grpc//:protoc) -I{root} -I/usr/include --cpp_out={out}".format(root = root, out = out_dir)
    tools = ["@grpc//:protoc"]
    if grpc:
        cmd += " --grpc_out={out} --plugin=protoc-gen-grpc=$(location @grpc//:grpc_cpp_plugin)".format(out = out_dir)
        tools.append("@grpc//:grpc_cpp_plugin")
    cmd += " " + " ".join(rel)

    native.genrule(
        name = name + "_gen",
        srcs = srcs + proto_deps,
        outs = outs,
        cmd = cmd,
        tools = tools,
        visibility = ["//visibility:private"],
    )
    cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = [proto_root] if proto_root else ["."],
        deps = deps + ["@grpc//:grpc++", "@protobuf"],
        **kwargs
    )
