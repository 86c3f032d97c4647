"""Round trip through a real Arize Phoenix: start it, export the seed
scenarios to it with the npm package, read the spans back through Phoenix's
REST API and compare them with what was sent. Always stops the server it
started. Standard library only; run it with the Python of a venv that has
`arize-phoenix` installed (`cargo xtask test --interop` does all of this).

    python phoenix_roundtrip.py --node-script SCRATCH/export.mjs \\
        --fixtures tests/fixtures/traces [--log FILE] [--install-seconds N]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PROJECT = "prompttrace-interop"
# Local server only: never go through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failure(Exception):
    """A check failed; the message says which and how."""


def main():
    args = parse_args()
    started = time.monotonic()
    # A SIGTERM to this script (e.g. a CI timeout) must still stop Phoenix.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = Phoenix(args.python, args.log)
    timings = {}
    try:
        timings["server start"] = server.start(args.start_timeout)
        expected, timings["export→readable"], export_ms = export_and_read(server, args)
        report = check(server, expected)
    except Failure as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        server.print_log_tail()
        return 1
    finally:
        server.stop()
    timings["export (node)"] = export_ms / 1000
    if args.install_seconds is not None:
        timings["install"] = args.install_seconds
    timings["total (this script)"] = time.monotonic() - started
    print("\nPhoenix round trip passed:")
    for line in report:
        print(f"  {line}")
    for name, seconds in timings.items():
        print(f"  {name}: {seconds:.1f} s")
    return 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-script", required=True, help="export.mjs in a project with prompttrace installed")
    parser.add_argument("--fixtures", required=True, help="the folder of the seed trace files")
    parser.add_argument("--node", default="node")
    parser.add_argument("--python", default=sys.executable, help="a Python with arize-phoenix (default: this one)")
    parser.add_argument("--log", help="server log file (default: in the temporary working dir, removed after)")
    parser.add_argument("--install-seconds", type=float, help="install time, for the report")
    parser.add_argument("--start-timeout", type=float, default=120)
    parser.add_argument("--read-timeout", type=float, default=60)
    return parser.parse_args()


# ---------------------------------------------------------------- the server


class Phoenix:
    def __init__(self, python, log):
        self.python = python
        self.log_path = log
        self.workdir = None
        self.process = None
        self.port = None
        self.log = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout):
        self.workdir = tempfile.mkdtemp(prefix="phoenix-interop-")
        self.log_path = self.log_path or os.path.join(self.workdir, "server.log")
        self.port = free_port("127.0.0.1")
        grpc_port = free_port("")  # gRPC binds every interface, whatever PHOENIX_HOST says
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PHOENIX_", "OTEL_"))}
        env.update(
            PHOENIX_WORKING_DIR=self.workdir,
            PHOENIX_HOST="127.0.0.1",
            PHOENIX_PORT=str(self.port),
            PHOENIX_GRPC_PORT=str(grpc_port),
            PHOENIX_TELEMETRY_ENABLED="false",
            PHOENIX_ALLOW_EXTERNAL_RESOURCES="false",
            PHOENIX_DISABLE_AGENT_ASSISTANT="true",
            PHOENIX_LOG_MIGRATIONS="false",
            # Auth is off on this throwaway server: no server-side tools either.
            PHOENIX_AGENTS_DISABLE_BASH="true",
            PHOENIX_ALLOWED_SANDBOX_PROVIDERS="NONE",
        )
        command = [self.python, "-m", "phoenix.server.main", "serve"]
        print(f"==> start Phoenix on {self.base} (gRPC {grpc_port}), working dir {self.workdir}")
        print(f"    $ {' '.join(command)}   (log: {self.log_path})", flush=True)
        self.log = open(self.log_path, "wb")
        started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        while True:
            code = self.process.poll()
            if code is not None:
                raise Failure(f"Phoenix exited during start-up with code {code}")
            try:
                status, _ = self.get("/healthz", timeout=2)
                if status == 200:
                    break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() - started > timeout:
                raise Failure(f"Phoenix was not healthy after {timeout:.0f} s (GET /healthz)")
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        print(f"    (Phoenix healthy: {elapsed:.1f} s)", flush=True)
        return elapsed

    def get(self, path, timeout=10):
        """(status, parsed JSON or None). 4xx/5xx are returned, not raised."""
        try:
            with OPENER.open(self.base + path, timeout=timeout) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            return error.code, None
        return status, json.loads(body) if body.strip().startswith((b"{", b"[")) else None

    def stop(self):
        if self.process is not None:
            stop_group(self.process)
            if port_in_use(self.port):
                print(f"warning: port {self.port} is still in use after stopping Phoenix", file=sys.stderr)
        if self.log is not None:
            self.log.close()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def print_log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as log:
                tail = log.read().decode("utf-8", "replace").splitlines()[-lines:]
        except (OSError, TypeError):
            return
        print(f"\n--- last {len(tail)} lines of {self.log_path} ---", file=sys.stderr)
        for line in tail:
            print(f"    {line}", file=sys.stderr)


def stop_group(process):
    """SIGTERM the server's process group, then SIGKILL if it lingers."""
    if process.poll() is None:
        print(f"==> stop Phoenix (SIGTERM to process group {process.pid})", flush=True)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("    Phoenix ignored SIGTERM for 30 s; SIGKILL", file=sys.stderr)
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
        except ProcessLookupError:
            code = process.wait()
        clean = code in (0, -signal.SIGTERM)
        print(f"    (Phoenix exited with {code}{'' if clean else ', not a clean exit'})")
    # Anything left in its group (workers) goes too.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# ------------------------------------------------------------ export, read


def export_and_read(server, args):
    """Runs export.mjs against the server; returns (expected, seconds until readable, node's export ms)."""
    expected_file = os.path.join(server.workdir, "expected.json")
    command = [
        args.node,
        args.node_script,
        "--url", f"{server.base}/v1/traces",
        "--fixtures", args.fixtures,
        "--project", PROJECT,
        "--expected", expected_file,
    ]
    print(f"==> export the seed scenarios with the npm package\n    $ {' '.join(command)}", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=os.path.dirname(os.path.abspath(args.node_script)), timeout=120)
    except subprocess.TimeoutExpired:
        raise Failure("export.mjs did not finish within 120 s")
    if done.returncode != 0:
        raise Failure(f"export.mjs failed (exit code {done.returncode}); see its output above")
    with open(expected_file, encoding="utf-8") as file:
        sent = json.load(file)
    expected = sent["spans"]

    print(f"==> wait until Phoenix has the {len(expected)} spans (project {PROJECT})", flush=True)
    while True:
        spans = read_spans(server)
        if spans is not None and len(spans) >= len(expected):
            break
        if time.monotonic() - started > args.read_timeout:
            have = "no project yet" if spans is None else f"{len(spans)} spans"
            raise Failure(f"Phoenix has {have} after {args.read_timeout:.0f} s; {len(expected)} were sent")
        time.sleep(0.25)
    elapsed = time.monotonic() - started
    print(f"    (readable after {elapsed:.1f} s)", flush=True)
    return (expected, spans), elapsed, sent["export_ms"]


def read_spans(server):
    """Every span of the project, or None while the project does not exist."""
    spans, cursor = [], None
    while True:
        query = {"limit": "1000"}
        if cursor:
            query["cursor"] = cursor
        path = f"/v1/projects/{urllib.parse.quote(PROJECT, safe='')}/spans?{urllib.parse.urlencode(query)}"
        status, body = server.get(path)
        if status == 404:
            return None
        if status != 200 or not isinstance(body, dict):
            raise Failure(f"GET {path} answered {status}: {str(body)[:300]}")
        spans.extend(body.get("data", []))
        cursor = body.get("next_cursor")
        if not cursor:
            return spans


# ------------------------------------------------------------------- checks


def check(server, expected_and_got):
    expected, got = expected_and_got
    problems = []
    by_id = {}
    for span in got:
        context = span.get("context") or {}
        key = (context.get("trace_id"), context.get("span_id"))
        if key in by_id:
            problems.append(f"Phoenix has span {key[1]} of trace {key[0]} twice")
        by_id[key] = span
    if len(got) != len(expected):
        problems.append(f"Phoenix has {len(got)} spans; {len(expected)} were sent")

    counts = {"names": 0, "parents": 0, "span kinds": 0, "token-count values": 0, "session ids": 0}
    sessions = {}
    for sent in expected:
        label = f"span {sent['span_id']} ({sent['name']!r}, trace {sent['trace_id']})"
        span = by_id.get((sent["trace_id"], sent["span_id"]))
        if span is None:
            problems.append(f"{label}: not in Phoenix")
            continue
        attributes = span.get("attributes") or {}

        def same(what, want, have, detail=""):
            if want == have:
                counts[what] += 1
            else:
                problems.append(f"{label}: {detail or what[:-1]} is {have!r} in Phoenix; sent {want!r}")

        same("names", sent["name"], span.get("name"))
        same("parents", sent["parent_id"], span.get("parent_id") or None)
        sent_attributes = sent["attributes"]
        same("span kinds", sent_attributes.get("openinference.span.kind", "UNKNOWN"), span.get("span_kind"))
        for key in ("llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total"):
            if key in sent_attributes:
                same("token-count values", sent_attributes[key], attributes.get(key), key)
            elif sent_attributes.get("openinference.span.kind") == "LLM" and key != "llm.token_count.total":
                problems.append(f"{label}: an LLM span was sent without {key}")
        session = sent_attributes.get("session.id")
        if session is not None:
            same("session ids", session, attributes.get("session.id"))
            sessions.setdefault(session, set()).add(sent["trace_id"])
        elif "session.id" in attributes:
            problems.append(f"{label}: Phoenix has session.id {attributes['session.id']!r}; none was sent")

    for session, trace_ids in sorted(sessions.items()):
        path = f"/v1/sessions/{urllib.parse.quote(session, safe='')}"
        status, body = server.get(path)
        if status != 200 or not isinstance(body, dict):
            problems.append(f"session {session!r}: GET {path} answered {status}: {str(body)[:300]}")
            continue
        data = body.get("data", body)
        listed = [trace.get("trace_id") for trace in data.get("traces", [])]
        if data.get("session_id") != session:
            problems.append(f"session {session!r}: Phoenix answered session_id {data.get('session_id')!r}")
        if sorted(listed) != sorted(trace_ids):
            problems.append(f"session {session!r}: Phoenix lists traces {sorted(listed)}; sent {sorted(trace_ids)}")

    if problems:
        shown = "\n  ".join(problems[:30])
        more = f"\n  … and {len(problems) - 30} more" if len(problems) > 30 else ""
        raise Failure(f"{len(problems)} mismatch(es) between what was sent and what Phoenix has:\n  {shown}{more}")
    traces = {sent["trace_id"] for sent in expected}
    return [
        f"{len(expected)} spans in {len(traces)} traces checked: "
        + ", ".join(f"{n} {what}" for what, n in counts.items()),
        f"{len(sessions)} sessions list exactly their traces: "
        + ", ".join(f"{s} ({len(t)})" for s, t in sorted(sessions.items())),
    ]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the server was stopped on the way out
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
