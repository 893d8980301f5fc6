"""Seeds a Conduit through its public API with a dataset drawn from a seed, and writes the manifest.

The whole plan (users, texts, tags, who follows and favorites what) is drawn first from one random.Random(seed),
so the same seed gives the same dataset whatever order the parallel requests finish in.
"""
import concurrent.futures
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

TAGS = ["java", "postgres", "http", "jvm", "linux", "testing", "design", "performance", "security", "cloud",
        "kotlin", "rust", "go", "python", "sql", "devops", "career", "architecture", "api", "frontend",
        "react", "angular", "vue", "css", "databases", "networking", "concurrency", "caching", "observability",
        "kubernetes", "docker", "git", "books", "teams", "startups", "opensource", "ux", "mobile", "ai", "writing"]
WORDS = ("the a of to and in is it that for on with as at by from this be are was or an have not can will "
         "server request thread virtual latency throughput index query table row column cache memory heap "
         "garbage collector connection pool socket kernel process schedule queue lock monitor metric trace "
         "log deploy release version branch merge review test bug fix feature design pattern module package "
         "interface record stream buffer channel future promise async blocking pipeline batch transaction "
         "commit rollback isolation replica shard partition cluster node network packet route handler filter "
         "token session cookie header payload schema migration constraint foreign key unique slug article "
         "comment author profile follow favorite tag feed page offset limit order newest oldest fast slow "
         "simple clear small honest careful measure benchmark profile optimise tune scale grow learn build "
         "write read share ship maintain refactor rename delete keep start stop wait run work think").split()
PASSWORD = "bench-password-1"  # every seeded user's; the login scenario needs it

PRESETS = {"full": (300, 10), "quick": (30, 10), "smoke": (20, 5)}  # users, articles per user (before --scale)


def sentence(rng, lo, hi):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def paragraph_text(rng, min_chars, max_chars):
    target = rng.randint(min_chars, max_chars)
    out = []
    size = 0
    while size < target:
        s = sentence(rng, 6, 18)
        out.append(s)
        size += len(s) + 1
    return " ".join(out)[:max_chars]


def long_markdown(rng, chars):
    """An article body of exactly {chars} characters of markdown: headings, paragraphs with emphasis and links,
    lists and code, as a long real article has (what the web pages render, and must still serve fast)."""
    parts, size, n = [], 0, 0
    while size < chars:
        n += 1
        words = sentence(rng, 6, 14).split()
        words[1] = f"**{words[1]}**"
        words[3] = f"[{words[3]}](https://example.com/{n})"
        section = [f"## {sentence(rng, 2, 6)[:-1]} {n}", paragraph_text(rng, 300, 900) + " " + " ".join(words),
                   "\n".join(f"- {sentence(rng, 3, 8)}" for _ in range(3)),
                   "```\n" + "\n".join(f"value_{n}_{i} = {rng.randint(0, 999)}" for i in range(3)) + "\n```"]
        text = "\n\n".join(section) + "\n\n"
        parts.append(text)
        size += len(text)
    return "".join(parts)[:chars].rstrip() + "." * (chars - len("".join(parts)[:chars].rstrip()))


def plan(seed, preset, scale):
    """Everything the seeder will create, drawn from the seed."""
    rng = random.Random(seed)
    n_users, per_user = PRESETS[preset]
    n_articles = n_users * per_user * scale
    users = [{"username": f"bench_{i:04d}_{rng.choice(WORDS)}",
              "email": f"bench_{i:04d}@bench.conduit.dev",
              "password": PASSWORD,
              "bio": sentence(rng, 5, 15)} for i in range(n_users)]
    follows = []
    for u in range(n_users):
        for v in rng.sample([x for x in range(n_users) if x != u], min(10, n_users - 1)):
            follows.append((u, v))
    articles = []
    for i in range(n_articles):
        title = sentence(rng, 3, 9)[:-1] + f" {i}"  # the index keeps titles, hence slugs, unique
        articles.append({"author": i % n_users, "title": title,
                         "description": sentence(rng, 8, 25),
                         "body": paragraph_text(rng, 300, 3000),
                         "tagList": rng.sample(TAGS, rng.randint(1, 4))})
    comments = [(rng.randrange(n_articles), rng.randrange(n_users), paragraph_text(rng, 20, 400))
                for _ in range(3 * n_articles)]
    favorites = set()
    while len(favorites) < min(3 * n_articles, n_users * n_articles):
        favorites.add((rng.randrange(n_users), rng.randrange(n_articles)))
    texts = [paragraph_text(rng, 20, 400) for _ in range(50)]  # what the write scenarios post
    # one article as long as the API allows, for the article page's bench (not among the slugs the others draw)
    long_article = {"author": 0, "title": "The long read", "description": sentence(rng, 8, 25),
                    "body": long_markdown(rng, 100_000), "tagList": rng.sample(TAGS, 2)}
    return {"users": users, "follows": follows, "articles": articles, "comments": comments,
            "favorites": sorted(favorites), "texts": texts, "long_article": long_article}


class Api:
    """One keep-alive connection per thread; retries what the server says to retry (503, with Retry-After)."""

    def __init__(self, base_url):
        u = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.prefix = u.hostname, u.port or 80, u.path.rstrip("/")
        self.local = threading.local()

    def call(self, method, path, body=None, token=None, ok=(200, 201, 204)):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Token " + token
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(20):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request(method, self.prefix + path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                if attempt >= 3:
                    raise
                time.sleep(0.5)
                continue
            if resp.status == 503:
                time.sleep(min(float(resp.getheader("Retry-After") or 1), 5))
                continue
            if resp.status not in ok:
                raise RuntimeError(f"{method} {path}: {resp.status} {payload[:300]!r}")
            return resp.status, (json.loads(payload) if payload else None)
        raise RuntimeError(f"{method} {path}: still 503 after 20 tries")


class Progress:
    def __init__(self, totals):
        self.totals, self.done, self.lock = totals, {k: 0 for k in totals}, threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def tick(self, key):
        with self.lock:
            self.done[key] += 1

    def line(self):
        return "seeding: " + "  ".join(f"{k} {self.done[k]}/{self.totals[k]}" for k in self.totals)

    def loop(self):
        while not self.stop.wait(0.25):
            sys.stderr.write("\r" + self.line())
            sys.stderr.flush()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        sys.stderr.write("\r" + self.line() + "\n")


def seed(base_url, seed_value, preset, scale, concurrency=24):
    p = plan(seed_value, preset, scale)
    api = Api(base_url)
    started = time.monotonic()
    totals = {k: len(p[k]) for k in ("users", "follows", "articles", "comments", "favorites")}
    tokens = [None] * len(p["users"])
    slugs = [None] * len(p["articles"])

    def register(i):
        u = p["users"][i]
        status, body = api.call("POST", "/users", {"user": {k: u[k] for k in ("username", "email", "password")}},
                                ok=(201, 409))
        if status == 409:  # seeded before (same seed, same server): log in with the known password
            _, body = api.call("POST", "/users/login", {"user": {"email": u["email"], "password": u["password"]}})
        tokens[i] = body["user"]["token"]
        api.call("PUT", "/user", {"user": {"bio": u["bio"]}}, token=tokens[i])

    def follow(pair):
        api.call("POST", f"/profiles/{p['users'][pair[1]]['username']}/follow", token=tokens[pair[0]])

    def article(i):
        a = p["articles"][i]
        _, body = api.call("POST", "/articles", {"article": {k: a[k] for k in ("title", "description", "body", "tagList")}},
                           token=tokens[a["author"]])
        slugs[i] = body["article"]["slug"]

    def comment(c):
        api.call("POST", f"/articles/{slugs[c[0]]}/comments", {"comment": {"body": c[2]}}, token=tokens[c[1]])

    def favorite(f):
        api.call("POST", f"/articles/{slugs[f[1]]}/favorite", token=tokens[f[0]])

    with Progress(totals) as progress, concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        def run(key, fn, items):
            def one(item):
                fn(item)
                progress.tick(key)
            return [pool.submit(one, item) for item in items]

        def wait(futures):
            for f in futures:
                f.result()  # the first failure stops the seeding

        wait(run("users", register, range(len(p["users"]))))
        wait(run("follows", follow, p["follows"]) + run("articles", article, range(len(p["articles"]))))
        wait(run("comments", comment, p["comments"]) + run("favorites", favorite, p["favorites"]))
        long = p["long_article"]
        _, body = api.call("POST", "/articles", {"article": {k: long[k] for k in ("title", "description", "body",
                                                                                  "tagList")}},
                           token=tokens[long["author"]])
        long_slug = body["article"]["slug"]

    return {"seed": seed_value, "preset": preset, "scale": scale, "base_url": base_url,
            "seconds": round(time.monotonic() - started, 1),
            "counts": totals | {"tags": len(TAGS)},
            "users": [{"username": u["username"], "email": u["email"], "password": u["password"], "token": t}
                      for u, t in zip(p["users"], tokens)],
            "slugs": slugs, "long_slugs": [long_slug], "tags": TAGS, "texts": p["texts"]}


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="seed a Conduit and write the manifest")
    ap.add_argument("url")
    ap.add_argument("manifest")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--preset", choices=PRESETS, default="full")
    ap.add_argument("--scale", type=int, default=1)
    args = ap.parse_args()
    m = seed(args.url, args.seed, args.preset, args.scale)
    with open(args.manifest, "w") as f:
        json.dump(m, f)
