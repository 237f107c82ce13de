"""Build rules for the CO-RE probe: a BPF object and its libbpf skeleton."""

load("@rules_cc//cc:defs.bzl", "cc_library")

def vmlinux_header(name, out = "vmlinux.h"):
    """vmlinux.h generated from the running kernel's BTF by bpftool.

    CO-RE relocations make the object portable: the header only has to
    describe *a* kernel with the types the probe reads.
    """
    native.genrule(
        name = name,
        outs = [out],
        cmd = "if [ ! -r /sys/kernel/btf/vmlinux ]; then " +
              "echo 'vmlinux.h: /sys/kernel/btf/vmlinux is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is required)' >&2; exit 1; fi; " +
              "/usr/sbin/bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@",
        local = True,
    )

def bpf_object(name, src, hdrs = [], vmlinux = ":vmlinux", includes = []):
    """Compiles one BPF translation unit with clang -target bpf."""
    out = name + ".bpf.o"
    inc = " ".join(["-I" + i for i in includes])
    native.genrule(
        name = name,
        srcs = [src, vmlinux] + hdrs,
        outs = [out],
        cmd = ("clang-14 -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 " +
               "-Wall -Wno-unused-function -Wno-compare-distinct-pointer-types " +
               "-I$$(dirname $(location {vmlinux})) {inc} " +
               "-c $(location {src}) -o $@ && llvm-strip-14 -g $@").format(
            vmlinux = vmlinux,
            src = src,
            inc = inc,
        ),
    )

def bpf_skeleton(name, obj, skel_name):
    """A libbpf skeleton header for a BPF object, as a cc_library."""
    hdr = skel_name + ".skel.h"
    native.genrule(
        name = name + "_gen",
        srcs = [obj],
        outs = [hdr],
        cmd = "/usr/sbin/bpftool gen skeleton $(location {obj}) name {skel} > $@".format(obj = obj, skel = skel_name),
    )
    cc_library(
        name = name,
        hdrs = [hdr],
        deps = ["@libbpf"],
        visibility = ["//visibility:public"],
    )
