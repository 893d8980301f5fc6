#!/usr/bin/env python3
"""Several Conduit nodes on one machine, as an operator runs them behind a balancer: PostgreSQL in a process of its
own (`conduit database`: no node owns it), N nodes on their own ports with one DATABASE_URL and one JWT_SECRET, and
nginx in front (round robin, no stickiness). A node is taken out of nginx's rotation (a reload) before it stops,
and put back once it is ready. Used by `./conduit cluster N` (serves until Ctrl-C), `bench/run --cluster N` and
`bench/cluster-proof`. Python 3 stdlib only; installs nginx-light from Debian when missing (as root)."""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
JAR = os.path.join(ROOT, "target", "conduit.jar")
STARTING_NICENESS = 10
WARM_SECONDS = 3


_ports_given = set()


def free_port():
    """A port free now, never one given before in this process, and below the kernel's ephemeral range: ports are
    picked long before they are bound (nginx's before any node starts), and a port from bind(0) could meanwhile be
    handed to another such pick or to an outgoing connection (CI met it: nginx's port was node 2's metrics port)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    while True:
        port = secrets.SystemRandom().randrange(10000, ephemeral_low)
        if port in _ports_given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port


def read(path):
    with open(path) as f:
        return f.read()


def java_home():
    return subprocess.run([os.path.join(ROOT, "bin", "find-jdk")], check=True, capture_output=True,
                          text=True).stdout.strip()


def nginx_binary():
    """Debian's nginx-light, installed when missing (apt-get update once, then install)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found:
        return found
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def aot_being_written():
    """Whether a JVM is still assembling the AOT cache from a recording (bin/run-jvm): the recording JVM starts that
    one as it exits, with its options in JAVA_TOOL_OPTIONS, and creates the file empty first."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"AOTMode=create" in f.read():
                    return True
        except OSError:
            pass
    return False


def wait_until(what, check, limit, proc=None, log_path=None):
    deadline = time.time() + limit
    while not check():
        if (proc is not None and proc.poll() is not None) or time.time() > deadline:
            tail = read(log_path)[-3000:] if log_path and os.path.exists(log_path) else ""
            raise RuntimeError(f"{what}: not within {limit} s" + (f"; the end of {log_path}:\n{tail}" if tail else ""))
        time.sleep(0.05)


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


class Node:
    """One Conduit (./conduit run: the JVM flags and AOT cache users get) on the cluster's database."""

    def __init__(self, number, work, env):
        self.number, self.env = number, env
        self.port, self.management_port = free_port(), free_port()
        self.data = os.path.join(work, f"node{number}")
        os.makedirs(self.data, exist_ok=True)
        self.log_path = os.path.join(work, f"node{number}.log")
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        env = os.environ | {"HOST": "127.0.0.1", "DATA_DIR": self.data, "MANAGEMENT_PORT": str(self.management_port),
                            "PORT": str(self.port)} | self.env
        # Started at a low CPU priority, raised once ready: on this one machine a starting JVM (class loading, the JIT's
        # threads) would otherwise take both cores from the nodes serving meanwhile for a second or two, which nodes
        # on machines of their own do not share (measured: their requests waited past admission's limit and were
        # refused with 503)
        with open(self.log_path, "a") as out:  # ./conduit execs java: this pid is the node's
            self.proc = subprocess.Popen([f"{ROOT}/conduit", "run"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                         preexec_fn=lambda: os.nice(STARTING_NICENESS))
        wait_until(f"node {self.number} ready", self.ready, 180, self.proc, self.log_path)
        self.renice(0)

    def renice(self, niceness):
        """Every thread of the node (Linux's niceness is per thread; a new thread takes its creator's)."""
        for _ in range(2):  # threads started while the first pass ran
            for tid in os.listdir(f"/proc/{self.pid}/task"):
                try:
                    os.setpriority(os.PRIO_PROCESS, int(tid), niceness)
                except OSError:
                    pass  # ended meanwhile

    def ready(self):
        return status_of(f"http://127.0.0.1:{self.port}/health/ready") == 200

    def warm(self, seconds=WARM_SECONDS):
        """Reads sent to this node alone, from 4 threads for `seconds`, before it gets traffic back: a node started
        cold and given its share at once answered its first second's requests in ~350 ms on average (cold code, empty
        caches), and its admission control, sized by what it had completed so far, refused the excess with 503
        (measured: 664 of 33,621 requests through two nodes at 400/s). Returns how many it answered."""
        base = f"http://127.0.0.1:{self.port}"
        try:
            with urllib.request.urlopen(f"{base}/api/articles?limit=20", timeout=10) as r:
                articles = json.load(r)["articles"]
        except (OSError, ValueError, KeyError):
            articles = []
        paths = ["/api/articles?limit=20", "/api/articles?limit=20&offset=20", "/api/tags", "/"]
        for a in articles[:10]:
            paths += [f"/api/articles/{a['slug']}", f"/api/articles/{a['slug']}/comments",
                      f"/api/profiles/{a['author']['username']}", f"/article/{a['slug']}"]
        answered, until = [0], time.time() + seconds

        def loop(offset):
            i = offset
            while time.time() < until:
                if status_of(base + paths[i % len(paths)]) == 200:
                    answered[0] += 1
                i += 1
        threads = [threading.Thread(target=loop, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return answered[0]

    def stop(self):
        """SIGTERM: readiness turns 503, it drains (SHUTDOWN_DRAIN_SECONDS), finishes what is in flight, exits."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def wait(self, limit=120):
        if self.proc:
            try:
                self.proc.wait(limit)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Cluster:
    """PostgreSQL, `nodes` Conduits and nginx, their logs and data under `work` (kept: a second start on the same
    folder finds its data and its JWT secret). `env` goes to every node (RATE_LIMIT_EXEMPT, say)."""

    def __init__(self, work, nodes, env=None, port=None, log=lambda msg: print(msg, file=sys.stderr, flush=True)):
        self.work, self.log = os.path.abspath(work), log
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o755)  # the unprivileged PostgreSQL and nginx users reach their folders through it
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_dir = os.path.join(self.work, "database")
        self.database = self.nginx = None
        self.env, self.nodes = env or {}, []
        self.count = nodes
        self.out = set()  # nodes taken out of nginx's rotation
        self.light = set()  # nodes back in it with a lighter share for now

    # ---------- start and stop ----------

    def start(self):
        if not os.path.exists(JAR) or subprocess.run(
                ["find", f"{ROOT}/src", f"{ROOT}/pom.xml", "-newer", JAR, "-print", "-quit"],
                capture_output=True, text=True).stdout.strip():
            self.log("cluster: building (./conduit build)")
            subprocess.run([f"{ROOT}/conduit", "build"], check=True)
        try:
            self.start_database()
            env = self.node_environment()
            self.nodes = [Node(i + 1, self.work, env) for i in range(self.count)]
            self.record_aot_cache()
            for node in self.nodes:  # one at a time: a node serves once the nodes before it answered its barrier
                node.start()
                self.log(f"cluster: node {node.number} ready on 127.0.0.1:{node.port} (pid {node.pid},"
                         f" metrics on {node.management_port})")
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        self.log(f"cluster: {self.count} node(s) behind nginx at {self.url} (API {self.url}/api, site {self.url}/)")
        return self

    def start_database(self):
        os.makedirs(self.database_dir, exist_ok=True)
        os.chmod(self.database_dir, 0o755)
        path = os.path.join(self.work, "database.log")
        java = os.path.join(java_home(), "bin", "java")
        with open(path, "a") as out:
            self.database = subprocess.Popen([java, "-Xmx64m", "-XX:+UseSerialGC", "-jar", JAR, "database"],
                                             env=os.environ | {"DATA_DIR": self.database_dir}, stdout=out,
                                             stderr=subprocess.STDOUT)
        start = os.path.getsize(path)
        wait_until("the database", lambda: "Database ready" in read(path)[start:], 120, self.database, path)
        line = next(l for l in read(path)[start:].splitlines() if "Database ready" in l)
        self.database_url = line.split("DATABASE_URL=", 1)[1].split()[0]
        self.log(f"cluster: PostgreSQL at {self.database_url} (pid {self.database.pid}, data {self.database_dir})")

    def node_environment(self):
        secret_file = os.path.join(self.work, "jwt-secret")
        if not os.path.exists(secret_file):
            with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(secrets.token_urlsafe(48))
        return {"DATABASE_URL": self.database_url, "DATABASE_USER": "conduit",
                "DATABASE_PASSWORD": read(os.path.join(self.database_dir, "postgres-password")).strip(),
                "JWT_SECRET": read(secret_file).strip(),
                # the client's address, from nginx's X-Forwarded-For (rate limits are per client)
                "TRUSTED_PROXIES": "127.0.0.1/32"} | self.env

    def record_aot_cache(self):
        """bin/run-jvm records the JVM's AOT cache at the first start after a build, as that JVM exits: done here
        by the first node alone (nodes recording at once would write one file together)."""
        aot = JAR[:-len(".jar")] + ".aot"
        recorded = lambda: (os.path.exists(aot) and os.path.getsize(aot) > 0 and os.path.getmtime(aot)
                            >= os.path.getmtime(JAR) and not aot_being_written())
        if recorded():
            return
        self.log("cluster: recording the JVM's AOT cache (a first start and stop of node 1)")
        node = self.nodes[0]
        node.start()
        node.stop()
        node.wait()
        try:
            wait_until("the AOT cache", recorded, 120)
        except RuntimeError as e:
            self.log(f"cluster: {e}; nodes start without it")

    def stop(self):
        """nginx first (no new request reaches a node), then every node at once (each drains), then PostgreSQL."""
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: requests in flight finish
            try:
                self.nginx.wait(30)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for node in self.nodes:
            node.stop()
        for node in self.nodes:
            node.wait()
        if self.database and self.database.poll() is None:
            self.database.send_signal(signal.SIGTERM)
            try:
                self.database.wait(90)
            except subprocess.TimeoutExpired:
                self.database.kill()
        self.nginx = self.database = None

    # ---------- nginx ----------

    def nginx_config(self):
        d = os.path.join(self.work, "nginx")
        def state(n):
            if n.number in self.out:
                return " down"
            # while a node comes back, the others take 4 requests to its one (nginx's open-source edition has no
            # slow_start of its own)
            return "" if not self.light else " weight=1" if n.number in self.light else " weight=4"
        servers = "\n".join(f"    server 127.0.0.1:{n.port}{state(n)};" for n in self.nodes)
        return f"""# written by bench/cluster.py; README "Running several nodes" explains each line
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
  uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
  upstream conduit {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    # Conduit's MAX_REQUEST_BYTES: a larger body is refused here (413, nginx's page), for a node that refuses one
    # closes the connection while nginx may still be sending it, and nginx then answers 502 instead
    client_max_body_size 1m;
    # bodies and answers in memory, never in temporary files (whose folder the unprivileged workers may not reach)
    client_body_buffer_size 1m;
    proxy_max_temp_file_size 0;
    keepalive_requests 100000;
    location / {{
      proxy_pass http://conduit;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""

    def write_nginx_config(self):
        d = os.path.join(self.work, "nginx")
        os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
        path = os.path.join(d, "nginx.conf")
        with open(path + ".new", "w") as f:
            f.write(self.nginx_config())
        os.replace(path + ".new", path)
        return d, path

    def start_nginx(self):
        d, path = self.write_nginx_config()
        self.nginx = subprocess.Popen([nginx_binary(), "-p", d, "-c", path, "-e", f"{d}/error.log",
                                       "-g", "daemon off;"])
        wait_until("nginx", lambda: status_of(f"{self.url}/health/ready") == 200, 10, self.nginx,
                   os.path.join(d, "error.log"))

    def workers(self):
        """nginx's worker processes: (pid, shutting down)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = read(f"/proc/{pid}/stat")
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.nginx.pid:
                    found.append((int(pid), "shutting down" in read(f"/proc/{pid}/cmdline")))
            except (OSError, ValueError):
                pass
        return found

    def reload(self):
        """nginx reads its configuration again: new workers use it at once; the old ones finish the requests they
        have in flight (to any node), close their kept connections and exit. Returns once they have."""
        d, path = self.write_nginx_config()
        subprocess.run([nginx_binary(), "-t", "-q", "-p", d, "-c", path, "-e", f"{d}/error.log"], check=True)
        old = {pid for pid, _ in self.workers()}
        self.nginx.send_signal(signal.SIGHUP)
        wait_until("nginx's reload", lambda: (lambda now: now and not old & {p for p, _ in now})(self.workers()), 60)

    # ---------- a node out and back ----------

    def take_out(self, node):
        self.out.add(node.number)
        self.reload()

    def put_back(self, node, ramp=0):
        """In again, first with a fifth of the others' share for `ramp` seconds."""
        self.out.discard(node.number)
        if ramp:
            self.light.add(node.number)
            self.reload()
            time.sleep(ramp)
            self.light.discard(node.number)
        self.reload()

    def restart(self, node, ramp=0, settle=0):
        """Out of nginx's rotation, SIGTERM (it drains and stops), start, ready, warmed with reads of its own (see
        Node.warm), back in with a lighter share for `ramp` seconds, then its full share for `settle` seconds before the
        caller takes another node out (Kubernetes' minReadySeconds). Returns the seconds each phase took."""
        t0 = time.time()
        self.take_out(node)
        t1 = time.time()
        node.stop()
        node.wait()
        t2 = time.time()
        node.start()
        t3 = time.time()
        warmed = node.warm()
        t4 = time.time()
        self.put_back(node, ramp)
        t5 = time.time()
        time.sleep(settle)
        return {"node": node.number, "at": round(t0, 2), "out_s": round(t1 - t0, 2), "stop_s": round(t2 - t1, 2),
                "start_s": round(t3 - t2, 2), "warm_s": round(t4 - t3, 2), "warm_requests": warmed,
                "back_s": round(t5 - t4, 2)}

    def rolling_restart(self, settle=10):
        """Every node restarted, one after the other: half of `settle` with a lighter share, half with its full share
        (none after the last one). Measured without the lighter share, the node just back answered its first second's
        requests in ~350 ms on average (its caches empty, each request several queries through a pool of 5) and
        refused 138 with 503."""
        return [self.restart(node, settle / 2, settle / 2 if node is not self.nodes[-1] else 0) for node in self.nodes]


def main():
    import argparse
    ap = argparse.ArgumentParser(prog="./conduit cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("nodes", type=int, help="how many Conduit nodes (1-8)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8080)),
                    help="nginx's port (default PORT or 8080)")
    ap.add_argument("--data", default=os.environ.get("DATA_DIR", os.path.join(os.getcwd(), "data-cluster")),
                    help="the cluster's folder: database, nodes' folders, logs (default DATA_DIR or ./data-cluster)")
    opts = ap.parse_args()
    if not 1 <= opts.nodes <= 8:
        ap.error("between 1 and 8 nodes")
    cluster = Cluster(opts.data, opts.nodes, port=opts.port)
    # SIGTERM and Ctrl-C stop the whole cluster in order; SIGHUP restarts its nodes one after the other (after a
    # ./conduit build, say: a rolling upgrade)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    hangups = []
    signal.signal(signal.SIGHUP, lambda *_: hangups.append(True))
    try:
        cluster.start()
        print(json.dumps({"url": cluster.url, "pid": os.getpid(), "database": cluster.database_url,
                          "nodes": [{"port": n.port, "pid": n.pid} for n in cluster.nodes]}), flush=True)
        while True:
            signal.pause()
            while hangups:
                hangups.clear()
                cluster.log("cluster: SIGHUP: restarting the nodes one after the other")
                for restart in cluster.rolling_restart():
                    cluster.log(f"cluster: restarted {restart}")
    except KeyboardInterrupt:
        pass
    finally:
        cluster.log("cluster: stopping")
        cluster.stop()


if __name__ == "__main__":
    main()
