#!/usr/bin/env python3
"""Behaviour tests for Falco's stable rules against a live `sakerd run`.

Starts `sakerd run --json -r RULES` once, waits for "sakerd: capturing" on
its stderr, then for each case of cases.py performs the near miss and the
trigger on the real kernel (real files, execs, sockets, ptrace, memfd exec,
containers via podman) and checks sakerd's JSON alerts:
  - the trigger raises the expected rule, with the expected priority and
    output_fields, and its marker in the output;
  - the near miss raises no alert of that rule. The near miss runs first, so
    once the trigger's alert has arrived every event of the near miss has
    been evaluated too (sakerd delivers events in timestamp order).

Usage (as root):
  runner.py --sakerd PATH --flavor upstream [--rules falco_rules.yaml]
  runner.py --sakerd PATH --flavor saker --rules rules/saker_rules.yaml
  [--only ID[,ID...]] [--alerts-out FILE] [--timeout SEC] [-v]

--flavor upstream without --rules finds falco_rules.yaml through
$SAKER_FALCO_RULES, $SAKER_SHARED/compat/falco-rules/, or a shared/ directory
beside the repository; when there is none, every test is skipped with a
message. Container cases need podman and localhost/saker-test
(ci/container_setup); without them they are skipped with a message. Python
3.11 standard library only.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import cases  # noqa: E402  (beside this file)

IMAGE = "localhost/saker-test:latest"
PYTHON = "/usr/bin/python3"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
FAKE_SERVER_NAMES = ["nginx", "sshd", "myapp"]
PRIORITIES = {
    "emergency": "Emergency", "alert": "Alert", "critical": "Critical", "error": "Error",
    "warning": "Warning", "notice": "Notice", "informational": "Informational",
    "info": "Informational", "debug": "Debug",
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Locating the rules
# ---------------------------------------------------------------------------

def find_upstream_rules():
    """falco_rules.yaml from the shared/ directory, or None."""
    explicit = os.environ.get("SAKER_FALCO_RULES")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    rel = os.path.join("compat", "falco-rules", "falco_rules.yaml")
    shared = os.environ.get("SAKER_SHARED")
    if shared:
        path = os.path.join(shared, rel)
        return path if os.path.isfile(path) else None
    starts = [HERE, os.getcwd()]
    if os.environ.get("BUILD_WORKSPACE_DIRECTORY"):
        starts.append(os.environ["BUILD_WORKSPACE_DIRECTORY"])
    for start in starts:
        d = os.path.realpath(start)
        while True:
            path = os.path.join(d, "shared", rel)
            if os.path.isfile(path):
                return path
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
    return None


# ---------------------------------------------------------------------------
# sakerd
# ---------------------------------------------------------------------------

class Sakerd:
    """A running `sakerd run --json`, its alerts collected by a thread."""

    def __init__(self, binary, rules, alerts_out=None):
        self.binary = binary
        self.rules = rules
        self.alerts = []
        self.bad_lines = []
        self.stderr_lines = []
        self.cond = threading.Condition()
        self.capturing = False
        self.alerts_out = open(alerts_out, "w") if alerts_out else None
        self.proc = None
        self.readers = []

    def start(self, timeout=60.0):
        argv = [self.binary, "run", "--json", "-r", self.rules]
        log("starting: " + " ".join(argv))
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True, bufsize=1)
        self.readers = [threading.Thread(target=self._read_stdout, daemon=True),
                        threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self.readers:
            reader.start()
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.capturing:
                if self.proc.poll() is not None:
                    self.cond.wait(0.5)  # let the stderr reader finish
                    raise RuntimeError("sakerd exited with status %d before capturing:\n%s"
                                       % (self.proc.returncode, self.stderr_tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("sakerd did not print 'sakerd: capturing' within %ds:\n%s"
                                       % (timeout, self.stderr_tail()))
                self.cond.wait(min(left, 0.5))

    def _read_stdout(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            if self.alerts_out:
                self.alerts_out.write(line + "\n")
                self.alerts_out.flush()
            try:
                alert = json.loads(line)
            except ValueError:
                with self.cond:
                    self.bad_lines.append(line)
                continue
            with self.cond:
                self.alerts.append(alert)
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def _read_stderr(self):
        for line in self.proc.stderr:
            with self.cond:
                self.stderr_lines.append(line.rstrip("\n"))
                if "sakerd: capturing" in line:
                    self.capturing = True
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def stderr_tail(self, n=15):
        with self.cond:
            return "\n".join(self.stderr_lines[-n:])

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_for(self, predicate, timeout):
        """The first alert satisfying predicate, waiting up to timeout."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for alert in self.alerts[seen:]:
                    if predicate(alert):
                        return alert
                seen = len(self.alerts)
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive():
                    return None
                self.cond.wait(min(left, 0.25))

    def matching(self, predicate):
        with self.cond:
            return [a for a in self.alerts if predicate(a)]

    def stop(self):
        """Stops sakerd. Returns how many alerts arrived only after SIGINT."""
        if self.proc is None:
            return 0
        with self.cond:
            before = len(self.alerts)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        if self.alerts_out:
            self.alerts_out.close()
        with self.cond:
            return len(self.alerts) - before


# ---------------------------------------------------------------------------
# The environment behaviours run in
# ---------------------------------------------------------------------------

class Environment:
    def __init__(self, tmp):
        self.tmp = tmp
        self.run_id = "%04d" % (os.getpid() % 10000)
        self.port = 20000 + os.getpid() % 20000
        self.bin = os.path.join(tmp, "bin")
        self.containers = {}
        self.container_problem = None
        self.actors = {}

    def marker(self, index, kind):
        return "sk%s%02d%s" % (self.run_id, index, kind)

    def values(self, marker):
        return {
            "m": marker, "tmp": self.tmp, "py": PYTHON,
            "actions": os.path.join(HERE, "actions.py"), "bin": self.bin,
            "plain": self.containers.get("plain", "<no container>"),
            "priv": self.containers.get("priv", "<no container>"),
            "port": str(self.port),
        }

    def make_fake_servers(self):
        os.makedirs(self.bin, exist_ok=True)
        for name in FAKE_SERVER_NAMES:
            link = os.path.join(self.bin, name)
            if not os.path.lexists(link):
                os.symlink(PYTHON, link)

    def start_containers(self):
        if shutil.which("podman") is None:
            self.container_problem = "podman is not installed: run ci/container_setup"
            return
        probe = subprocess.run(["podman", "image", "exists", IMAGE], capture_output=True)
        if probe.returncode != 0:
            self.container_problem = "%s is missing: run ci/container_setup" % IMAGE
            return
        for kind, extra in (("plain", []), ("priv", ["--privileged"])):
            name = "saker-st-%s-%s" % (kind, self.run_id)
            subprocess.run(["podman", "rm", "-f", "-t", "0", name], capture_output=True)
            argv = (["podman", "run", "-d", "--rm", "--runtime", "runc", "--network", "none",
                     "--name", name] + extra + [IMAGE, "sleep", "600"])
            res = subprocess.run(argv, capture_output=True, text=True)
            if res.returncode != 0:
                self.container_problem = "podman cannot start %s: %s" % (
                    name, (res.stderr or res.stdout).strip())
                self.stop_containers()
                return
            self.containers[kind] = name

    def stop_containers(self):
        for name in self.containers.values():
            subprocess.run(["podman", "rm", "-f", "-t", "0", name], capture_output=True)
        self.containers = {}

    def start_actors(self, wanted_cases):
        for name, spec in cases.ACTORS.items():
            if spec["case"] not in wanted_cases:
                continue
            index = next(i for i, c in enumerate(cases.CASES) if c["id"] == spec["case"])
            argv = [a.format(**self.values(self.marker(index, "t"))) for a in spec["argv"]]
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    cwd=self.tmp, text=True, bufsize=1)
            self.actors[name] = (proc, time.monotonic(), spec)

    def use_actor(self, name, line):
        proc, started, spec = self.actors[name]
        wait = spec.get("min_age", 0) - (time.monotonic() - started)
        if wait > 0:
            time.sleep(wait)
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        return proc.stdout.readline().strip()

    def stop_actors(self):
        for proc, _, _ in self.actors.values():
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        self.actors = {}


def fill(obj, values):
    if isinstance(obj, str):
        return obj.format(**values)
    if isinstance(obj, list):
        return [fill(x, values) for x in obj]
    if isinstance(obj, dict):
        return {k: fill(v, values) for k, v in obj.items()}
    return obj


def perform(env, behaviour, values):
    """Runs one behaviour (setup, run, cleanup). Returns a short report."""
    b = fill(behaviour, values)
    for argv in b.get("setup", []):
        subprocess.run(argv, check=True, cwd=env.tmp, capture_output=True, timeout=30)
    try:
        run = b["run"]
        if isinstance(run, dict):
            return "actor %s: %s" % (run["actor"], env.use_actor(run["actor"], run["line"]))
        res = subprocess.run(run, cwd=b.get("cwd", env.tmp), capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=30)
        return "exit %d %s" % (res.returncode, (res.stderr or "").strip()[:200])
    finally:
        for path in b.get("cleanup", []):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------

class Suite:
    """What setUpModule prepares for the generated tests."""
    args = None
    rules = None
    skip_all = None
    sakerd = None
    env = None
    tmp = None


def setUpModule():
    args = Suite.args
    if os.geteuid() != 0:
        Suite.skip_all = "needs root (loads the probe, starts containers)"
        return
    if args.flavor == "upstream":
        Suite.rules = args.rules or find_upstream_rules()
        if not Suite.rules:
            Suite.skip_all = ("upstream falco_rules.yaml not found: set SAKER_FALCO_RULES or "
                              "SAKER_SHARED, or place shared/ (with compat/falco-rules/) beside "
                              "the repository")
            return
    else:
        Suite.rules = args.rules
    Suite.rules = os.path.realpath(Suite.rules)
    if not os.path.isfile(Suite.rules):
        raise RuntimeError("rules file not found: %s" % Suite.rules)
    usage = subprocess.run([args.sakerd, "run", "--help"], capture_output=True, text=True)
    if "unknown command" in (usage.stdout + usage.stderr):
        raise RuntimeError("%s has no `run` command yet (it must accept "
                           "`run --json -r FILE`)" % args.sakerd)
    Suite.tmp = tempfile.mkdtemp(prefix="saker-stable-", dir=os.environ.get("TEST_TMPDIR"))
    os.chmod(Suite.tmp, 0o755)
    env = Environment(Suite.tmp)
    env.make_fake_servers()
    Suite.env = env
    Suite.sakerd = Sakerd(args.sakerd, Suite.rules, args.alerts_out)
    Suite.sakerd.start()
    log("sakerd is capturing with %s" % Suite.rules)
    env.start_actors({c["id"] for c in selected_cases()})
    if any(c["where"] == "container" for c in selected_cases()):
        env.start_containers()
        if env.container_problem:
            log("container cases will be skipped: " + env.container_problem)


def tearDownModule():
    if Suite.env:
        Suite.env.stop_actors()
        Suite.env.stop_containers()
    if Suite.sakerd:
        late = Suite.sakerd.stop()
        if late:
            log("NOTE: %d alerts reached stdout only after sakerd was stopped: sakerd does not "
                "flush stdout after each alert, so a live consumer sees them late" % late)
        if Suite.sakerd.bad_lines:
            log("sakerd printed %d non-JSON lines on stdout, e.g. %r"
                % (len(Suite.sakerd.bad_lines), Suite.sakerd.bad_lines[0][:200]))
    if Suite.tmp:
        shutil.rmtree(Suite.tmp, ignore_errors=True)


def selected_cases():
    only = set(Suite.args.only.split(",")) if Suite.args.only else None
    return [c for c in cases.CASES if only is None or c["id"] in only]


def describe(alert):
    return "%s [%s] %s" % (alert.get("rule"), alert.get("priority"),
                           (alert.get("output") or "")[:300])


class StableRuleBehaviours(unittest.TestCase):
    maxDiff = None

    def check_case(self, index, case):
        if Suite.skip_all:
            self.skipTest(Suite.skip_all)
        if case.get("skip"):
            self.skipTest(case["skip"])
        env = Suite.env
        if case["where"] == "container" and env.container_problem:
            self.skipTest(env.container_problem)
        for prog in case.get("needs", []):
            if shutil.which(prog) is None:
                self.skipTest("needs %s on the host" % prog)
        sakerd = Suite.sakerd
        self.assertTrue(sakerd.alive(), "sakerd is not running:\n" + sakerd.stderr_tail())
        rule, priority = case[Suite.args.flavor]

        near_values = env.values(env.marker(index, "n"))
        trig_values = env.values(env.marker(index, "t"))
        near = fill(case["near_miss"], near_values)
        trig = fill(case["trigger"], trig_values)
        near_match = near.get("match", near_values["m"])
        trig_match = trig.get("match", trig_values["m"])

        near_report = perform(env, case["near_miss"], near_values)
        trig_report = perform(env, case["trigger"], trig_values)

        def is_trigger(a):
            return a.get("rule") == rule and trig_match in (a.get("output") or "")

        alert = sakerd.wait_for(is_trigger, Suite.args.timeout)
        with self.subTest(behaviour="trigger"):
            if alert is None:
                related = sakerd.matching(lambda a: trig_match in (a.get("output") or ""))
                self.fail("no %r alert mentioning %r within %ss (behaviour: %s).\n"
                          "Alerts mentioning it: %s\n%d alerts received so far.\n"
                          "sakerd stderr:\n%s"
                          % (rule, trig_match, Suite.args.timeout, trig_report,
                             "\n  ".join([""] + [describe(a) for a in related]) or "none",
                             len(sakerd.alerts), sakerd.stderr_tail(5)))
            self.assertEqual(PRIORITIES.get(str(alert.get("priority")).lower()),
                             PRIORITIES[priority.lower()], describe(alert))
            fields = alert.get("output_fields") or {}
            want = fill(case.get("fields", {}), trig_values)
            got = {k: None if fields.get(k) is None else str(fields.get(k)) for k in want}
            self.assertEqual(got, want, "output_fields of: " + describe(alert))
            for key in ("time", "hostname", "source", "tags", "output"):
                self.assertIn(key, alert, describe(alert))
            self.assertIn(trig_match, fields.get("proc.cmdline", "") + alert["output"])

        with self.subTest(behaviour="near miss"):
            if alert is None:
                time.sleep(2)  # no trigger alert to synchronise on
            wrong = sakerd.matching(
                lambda a: a.get("rule") == rule and near_match in (a.get("output") or ""))
            self.assertEqual([], [describe(a) for a in wrong],
                             "near miss raised %r (behaviour: %s)" % (rule, near_report))


def add_tests():
    for index, case in enumerate(cases.CASES):
        def test(self, index=index, case=case):
            self.check_case(index, case)
        test.__doc__ = "%s / %s" % (case["upstream"][0], case["saker"][0])
        setattr(StableRuleBehaviours, "test_%02d_%s" % (index, case["id"]), test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sakerd", required=True)
    parser.add_argument("--flavor", choices=["upstream", "saker"], required=True)
    parser.add_argument("--rules", help="rules file (default for upstream: shared/)")
    parser.add_argument("--only", help="comma-separated case ids")
    parser.add_argument("--timeout", type=float, default=8.0,
                        help="seconds to wait for a trigger's alert")
    parser.add_argument("--alerts-out", help="write every alert line here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args, rest = parser.parse_known_args()
    if args.flavor == "saker" and not args.rules:
        parser.error("--flavor saker needs --rules")
    if not args.alerts_out and os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR"):
        args.alerts_out = os.path.join(os.environ["TEST_UNDECLARED_OUTPUTS_DIR"],
                                       "alerts-%s.jsonl" % args.flavor)
    args.sakerd = os.path.realpath(args.sakerd)
    os.environ["PATH"] = PATH
    Suite.args = args
    add_tests()
    only = selected_cases()
    names = ["StableRuleBehaviours.test_%02d_%s" % (cases.CASES.index(c), c["id"]) for c in only]
    for c in cases.CASES:
        if c.get("skip") and c in only:
            log("SKIP %s: %s" % (c["upstream"][0], c["skip"]))
    program = unittest.main(module=__name__, argv=[sys.argv[0], "-v"] + names + rest,
                            exit=False)
    result = program.result
    for test, reason in result.skipped:
        log("skipped %s: %s" % (test.id().rsplit(".", 1)[-1], reason))
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
