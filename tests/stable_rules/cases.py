"""The behaviours, as data: one entry per rule of Falco's stable rule set.

Each entry names the upstream rule (falco_rules.yaml) and the Saker rule
(rules/saker_rules.yaml) that must catch the same behaviour, with their
priorities, then gives:

  where      "host", "container" or "k8s" (k8s cases are skipped: they need
             a cluster), plus "needs": host programs that must exist
  trigger    a behaviour that must raise the rule's alert
  near_miss  a behaviour close to it that must not
  fields     output_fields the trigger's alert must carry (exact values)

A behaviour is a dict:
  run        argv of the command that performs it (its exit status is not
             checked: a refused syscall is still the syscall); or
             {"actor": NAME, "line": TEXT} to make a long-running helper
             started with the suite do it (see runner.py)
  setup      argvs run first (must succeed)
  cwd        working directory for run (default: the scratch directory)
  cleanup    paths removed afterwards (host)
  match      text that identifies its alert in the alert's "output"
             (default: the marker {m})

Placeholders, filled in by the runner:
  {m}        a short marker unique to this behaviour (<= 14 characters)
  {tmp}      a scratch directory on the host
  {py}       /usr/bin/python3
  {actions}  actions.py (helpers for multi-step behaviours)
  {bin}      a directory of symlinks to python3 named like servers (nginx,
             sshd, myapp) so that the process name is the one rules look at
  {plain}    a running container of localhost/saker-test with default
             capabilities; {priv}: the same, --privileged
  {port}     a TCP port unique to this run
Container behaviours run with `podman exec`, inside long-lived containers
started with the suite, so that the container's metadata is known before
the behaviour starts. Their scripts call busybox applets by absolute path
(/bin/nc, not nc): busybox sh runs a bare applet name inside itself or
through /proc/self/exe, and the process would be named "sh" or "exe".
"""


def _in(container, script):
    """argv that runs a busybox sh script in one of the suite's containers."""
    return ["podman", "exec", container, "sh", "-c", script]


CASES = [
    {
        "id": "directory_traversal",
        "upstream": ("Directory traversal monitored file read", "Warning"),
        "saker": ("Monitored file read via path traversal", "Warning"),
        "where": "host",
        # Not from a shell: the rule spares paths typed in a terminal.
        "trigger": {"run": ["cat", "/usr/share/../../etc/passwd", "{m}"]},
        "near_miss": {"run": ["sh", "-c", "cat /usr/share/../../etc/passwd {m}; true"]},
        "fields": {"fd.name": "/etc/passwd", "fd.nameraw": "/usr/share/../../etc/passwd",
                   "proc.name": "cat", "evt.type": "openat"},
    },
    {
        "id": "sensitive_read_trusted_after_startup",
        "upstream": ("Read sensitive file trusted after startup", "Warning"),
        "saker": ("Credential file read by long-running server", "Warning"),
        "where": "host",
        # A server (python3 named nginx) started with the suite reads
        # /etc/shadow once it is more than 5 s old; the near miss is a
        # fresh one doing the same.
        "trigger": {"run": {"actor": "old_nginx", "line": "/etc/shadow"}},
        "near_miss": {"run": ["{bin}/nginx", "{actions}", "read", "/etc/shadow", "{m}"]},
        "fields": {"fd.name": "/etc/shadow", "proc.name": "nginx"},
    },
    {
        "id": "sensitive_read_untrusted",
        "upstream": ("Read sensitive file untrusted", "Warning"),
        "saker": ("Credential file read by unexpected program", "Warning"),
        "where": "host",
        "trigger": {"run": ["cat", "/etc/shadow", "{m}"]},
        "near_miss": {"run": ["cat", "/etc/passwd", "{m}"]},
        "fields": {"fd.name": "/etc/shadow", "proc.name": "cat", "evt.type": "openat"},
    },
    {
        "id": "run_shell_untrusted",
        "upstream": ("Run shell untrusted", "Notice"),
        "saker": ("Shell spawned by server process", "Notice"),
        "where": "host",
        "trigger": {"run": ["{bin}/nginx", "{actions}", "spawn", "/bin/sh", "-c", "echo {m}"]},
        "near_miss": {"run": ["{bin}/myapp", "{actions}", "spawn", "/bin/sh", "-c", "echo {m}"]},
        "fields": {"proc.name": "sh", "proc.pname": "nginx"},
    },
    {
        "id": "system_user_interactive",
        "upstream": ("System user interactive", "Informational"),
        "saker": ("Service account ran interactive command", "Informational"),
        "where": "host",
        # Below a process named sshd (a login session), a command runs as
        # nobody; the near miss runs it as root.
        "trigger": {"run": ["{bin}/sshd", "{actions}", "spawn", "--uid", "65534",
                            "/bin/true", "{m}"]},
        "near_miss": {"run": ["{bin}/sshd", "{actions}", "spawn", "/bin/true", "{m}"]},
        "fields": {"proc.name": "true", "user.name": "nobody", "user.uid": "65534"},
    },
    {
        "id": "terminal_shell_in_container",
        "upstream": ("Terminal shell in container", "Notice"),
        "saker": ("Interactive shell in container", "Notice"),
        "where": "container",
        "trigger": {"run": ["podman", "exec", "-t", "{plain}", "sh", "-c", "echo {m}"]},
        "near_miss": {"run": _in("{plain}", "echo {m}")},
        "fields": {"proc.name": "sh"},
    },
    {
        "id": "contact_k8s_api_server",
        "upstream": ("Contact K8S API Server From Container", "Notice"),
        "saker": ("Container contacted Kubernetes API server", "Notice"),
        "where": "k8s",
        "skip": "needs Kubernetes: fd.sip.name must resolve to the "
                "kubernetes.default.svc.cluster.local service and k8s.ns.name "
                "comes from a pod sandbox; there is no cluster here",
    },
    {
        "id": "netcat_rce_in_container",
        "upstream": ("Netcat Remote Code Execution in Container", "Warning"),
        "saker": ("Netcat with command execution in container", "Warning"),
        "where": "container",
        # Nothing listens on port 9: nc exits after the refused connect.
        "trigger": {"run": _in("{plain}", "/bin/nc 127.0.0.1 9 -e /tmp/{m}/sh")},
        "near_miss": {"run": _in("{plain}", "/bin/nc -w 1 127.0.0.1 {port}; true"),
                      "match": "127.0.0.1 {port}"},
        "fields": {"proc.name": "nc"},
    },
    {
        "id": "search_private_keys",
        "upstream": ("Search Private Keys or Passwords", "Warning"),
        "saker": ("Search for private keys", "Warning"),
        "where": "host",
        "trigger": {"setup": [["mkdir", "-p", "{tmp}/{m}"]],
                    "run": ["grep", "-rl", "BEGIN RSA PRIVATE", "{tmp}/{m}"]},
        "near_miss": {"setup": [["mkdir", "-p", "{tmp}/{m}"]],
                      "run": ["grep", "-rl", "BEGIN CERTIFICATE", "{tmp}/{m}"]},
        "fields": {"proc.name": "grep"},
    },
    {
        "id": "clear_log_activities",
        "upstream": ("Clear Log Activities", "Warning"),
        "saker": ("Log file truncated", "Warning"),
        "where": "host",
        # Truncating open (O_TRUNC) vs appending open of a log file.
        "trigger": {"run": ["sh", "-c", ": > /var/log/{m}.log"],
                    "cleanup": ["/var/log/{m}.log"]},
        "near_miss": {"run": ["sh", "-c", "echo {m} >> /var/log/{m}.log"],
                      "cleanup": ["/var/log/{m}.log"]},
        "fields": {"fd.name": "/var/log/{m}.log", "proc.name": "sh"},
    },
    {
        "id": "remove_bulk_data",
        "upstream": ("Remove Bulk Data from Disk", "Warning"),
        "saker": ("Disk data destruction tool run", "Warning"),
        "where": "host",
        "trigger": {"setup": [["sh", "-c", "echo data > {tmp}/{m}.dat"]],
                    "run": ["shred", "-n", "1", "-u", "{tmp}/{m}.dat"],
                    "cleanup": ["{tmp}/{m}.dat"]},
        "near_miss": {"setup": [["sh", "-c", "echo data > {tmp}/{m}.dat"]],
                      "run": ["rm", "-f", "{tmp}/{m}.dat"]},
        "fields": {"proc.name": "shred"},
    },
    {
        "id": "symlink_over_sensitive_files",
        "upstream": ("Create Symlink Over Sensitive Files", "Warning"),
        "saker": ("Symlink to sensitive file created", "Warning"),
        "where": "host",
        "trigger": {"run": ["ln", "-s", "/etc/shadow", "{tmp}/{m}"], "cleanup": ["{tmp}/{m}"]},
        "near_miss": {"run": ["ln", "-s", "/etc/hostname", "{tmp}/{m}"],
                      "cleanup": ["{tmp}/{m}"]},
        "fields": {"evt.arg.target": "/etc/shadow", "proc.name": "ln"},
    },
    {
        "id": "hardlink_over_sensitive_files",
        "upstream": ("Create Hardlink Over Sensitive Files", "Warning"),
        "saker": ("Hardlink to sensitive file created", "Warning"),
        "where": "host",
        # A real hard link (removed at once); EXDEV if the scratch directory
        # is on another filesystem, which is still the linkat call.
        "trigger": {"run": ["ln", "/etc/shadow", "{tmp}/{m}"], "cleanup": ["{tmp}/{m}"]},
        "near_miss": {"setup": [["touch", "{tmp}/{m}.own"]],
                      "run": ["ln", "{tmp}/{m}.own", "{tmp}/{m}"],
                      "cleanup": ["{tmp}/{m}", "{tmp}/{m}.own"]},
        "fields": {"evt.arg.oldpath": "/etc/shadow", "proc.name": "ln"},
    },
    {
        "id": "packet_socket_in_container",
        "upstream": ("Packet socket created in container", "Notice"),
        "saker": ("Raw packet socket opened in container", "Notice"),
        "where": "container",
        "needs": ["busybox"],
        # busybox arping opens socket(AF_PACKET) before it looks the
        # interface (here: the marker, which does not exist) up. The near
        # miss is the same on the host.
        "trigger": {"run": _in("{priv}", "/bin/arping -c 1 -w 1 -I {m} 127.0.0.1; true")},
        "near_miss": {"run": ["busybox", "arping", "-c", "1", "-w", "1", "-I", "{m}",
                              "127.0.0.1"]},
        "fields": {"proc.name": "arping", "evt.type": "socket"},
    },
    {
        "id": "redirect_stdio_to_network_in_container",
        "upstream": ("Redirect STDOUT/STDIN to Network Connection in Container", "Notice"),
        "saker": ("Standard stream redirected to network in container", "Notice"),
        "where": "container",
        # nc -e connects, then dup2()s the socket onto fds 0 and 1 and runs
        # the program. The near miss redirects stdout to a file instead.
        "trigger": {"run": _in("{plain}",
                               "mkdir -p /tmp/{m} && ln -sf /bin/true /tmp/{m}/true && "
                               "(/bin/nc -l -p {port} >/dev/null &) && sleep 0.3 && "
                               "/bin/nc 127.0.0.1 {port} -e /tmp/{m}/true; true")},
        "near_miss": {"run": _in("{plain}", "exec 1>/tmp/{m}.out; echo {m}")},
        "fields": {"proc.name": "nc"},
    },
    {
        "id": "kernel_module_injection",
        "upstream": ("Linux Kernel Module Injection Detected", "Warning"),
        "saker": ("Kernel module load from container", "Warning"),
        "where": "container",
        # insmod of a junk file: finit_module/init_module run and fail
        # (ENOEXEC, or ENOSYS without module support); nothing is loaded.
        # The near miss lacks CAP_SYS_MODULE.
        "trigger": {"run": _in("{priv}",
                               "echo junk > /tmp/{m}.ko; /bin/insmod /tmp/{m}.ko; true")},
        "near_miss": {"run": _in("{plain}",
                                 "echo junk > /tmp/{m}.ko; /bin/insmod /tmp/{m}.ko; true")},
        "fields": {"proc.name": "insmod"},
    },
    {
        "id": "debugfs_in_privileged_container",
        "upstream": ("Debugfs Launched in Privileged Container", "Warning"),
        "saker": ("Debugfs in privileged container", "Warning"),
        "where": "container",
        "trigger": {"run": ["podman", "exec", "{priv}", "debugfs", "-V", "{m}"]},
        "near_miss": {"run": ["podman", "exec", "{plain}", "debugfs", "-V", "{m}"]},
        "fields": {"proc.name": "debugfs"},
    },
    {
        "id": "release_agent_container_escape",
        "upstream": ("Detect release_agent File Container Escapes", "Critical"),
        "saker": ("Cgroup release_agent write in container", "Critical"),
        "where": "container",
        # A file named release_agent opened for writing by root with
        # CAP_SYS_ADMIN (privileged) vs without it.
        "trigger": {"run": _in("{priv}", "mkdir -p /tmp/{m} && echo 1 > /tmp/{m}/release_agent")},
        "near_miss": {"run": _in("{plain}",
                                 "mkdir -p /tmp/{m} && echo 1 > /tmp/{m}/release_agent")},
        "fields": {"fd.name": "/tmp/{m}/release_agent", "proc.name": "sh"},
    },
    {
        "id": "ptrace_attached",
        "upstream": ("PTRACE attached to process", "Warning"),
        "saker": ("Process attached with ptrace", "Warning"),
        "where": "host",
        "trigger": {"run": ["{py}", "{actions}", "ptrace-attach", "{m}"]},
        "near_miss": {"run": ["{py}", "{actions}", "ptrace-peek", "{m}"]},
        "fields": {"proc.name": "python3", "evt.type": "ptrace"},
    },
    {
        "id": "ptrace_anti_debug",
        "upstream": ("PTRACE anti-debug attempt", "Notice"),
        "saker": ("Ptrace self-trace anti-debugging", "Notice"),
        "where": "host",
        "trigger": {"run": ["{py}", "{actions}", "ptrace-traceme", "{m}"]},
        "near_miss": {"run": ["{py}", "{actions}", "ptrace-peek", "{m}"]},
        "fields": {"proc.name": "python3", "evt.type": "ptrace"},
    },
    {
        "id": "find_aws_credentials",
        "upstream": ("Find AWS Credentials", "Warning"),
        "saker": ("Search for AWS credentials", "Warning"),
        "where": "host",
        "trigger": {"setup": [["mkdir", "-p", "{tmp}/{m}"]],
                    "run": ["grep", "-rl", "aws_secret_access_key", "{tmp}/{m}"]},
        "near_miss": {"setup": [["mkdir", "-p", "{tmp}/{m}"]],
                      "run": ["grep", "-rl", "aws_region", "{tmp}/{m}"]},
        "fields": {"proc.name": "grep"},
    },
    {
        "id": "execution_from_dev_shm",
        "upstream": ("Execution from /dev/shm", "Warning"),
        "saker": ("Program executed from /dev/shm", "Warning"),
        "where": "host",
        # The near miss runs /bin/true with /dev/shm as working directory.
        "trigger": {"setup": [["cp", "/bin/true", "/dev/shm/{m}"]],
                    "run": ["/dev/shm/{m}", "x"], "cleanup": ["/dev/shm/{m}"]},
        "near_miss": {"run": ["/bin/true", "{m}"], "cwd": "/dev/shm"},
        "fields": {"proc.exepath": "/dev/shm/{m}", "proc.name": "{m}"},
    },
    {
        "id": "drop_and_execute_in_container",
        "upstream": ("Drop and execute new binary in container", "Critical"),
        "saker": ("New executable run in container", "Critical"),
        "where": "container",
        # A copy of busybox written into the container's upper layer, run
        # as echo; the near miss runs the image's own busybox.
        "trigger": {"run": _in("{plain}", "mkdir -p /var/tmp/{m} && "
                               "cp /bin/busybox /var/tmp/{m}/echo && /var/tmp/{m}/echo {m}")},
        "near_miss": {"run": _in("{plain}", "/bin/echo {m}")},
        "fields": {"proc.name": "echo", "proc.exepath": "/var/tmp/{m}/echo"},
    },
    {
        "id": "ssh_non_standard_port",
        "upstream": ("Disallowed SSH Connection Non Standard Port", "Notice"),
        "saker": ("SSH client on non-standard port", "Notice"),
        "where": "host",
        "needs": ["ssh", "unshare", "ip"],
        # The real ssh client, in a private network namespace, against a
        # listener on a public-looking address (TEST-NET-2): port 4444 vs 22.
        "trigger": {"run": ["unshare", "-n", "{py}", "{actions}", "ssh-port", "4444", "{m}"]},
        "near_miss": {"run": ["unshare", "-n", "{py}", "{actions}", "ssh-port", "22", "{m}"]},
        "fields": {"proc.name": "ssh", "evt.type": "connect"},
    },
    {
        "id": "fileless_memfd_execution",
        "upstream": ("Fileless execution via memfd_create", "Critical"),
        "saker": ("Fileless execution from memory", "Critical"),
        "where": "host",
        # /bin/true copied into a memfd and run through /proc/self/fd/N; the
        # near miss runs a copy on disk.
        "trigger": {"run": ["{py}", "{actions}", "memfd-exec", "/bin/true", "{m}"]},
        "near_miss": {"setup": [["cp", "/bin/true", "{tmp}/{m}.bin"]],
                      "run": ["{tmp}/{m}.bin", "{m}"], "cleanup": ["{tmp}/{m}.bin"]},
        "fields": {"evt.type": "execve"},
    },
]

# The long-running helpers a behaviour can use ({"actor": NAME}): started
# right after sakerd attaches, fed one line per use on stdin. min_age is how
# old the process must be before its line is sent.
ACTORS = {
    "old_nginx": {"argv": ["{bin}/nginx", "{actions}", "wait-read", "{m}"],
                  "case": "sensitive_read_trusted_after_startup",
                  "min_age": 6.0},
}
