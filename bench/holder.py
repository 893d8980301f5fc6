"""Holds idle keep-alive HTTP connections for bench/run --connections (not a load generator: one GET each).

usage: holder.py HOST PORT PATH COUNT SOURCE_ADDRESSES(comma-separated)
Opens COUNT connections, round-robin over the source addresses (each has its own ephemeral ports), sends one GET
on each and reads the answer, then prints "open N". Then answers "check" on stdin with "alive N" (connections the
server has not closed) and exits on "quit" or end of input.
"""
import asyncio
import resource
import sys

HOST, PORT, PATH, COUNT, SOURCES = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",")
DEADLINE_S = 300  # the whole opening phase, however slow the server


async def open_one(i, limit, conns):
    async with limit:
        reader, writer = await asyncio.open_connection(HOST, PORT, local_addr=(SOURCES[i % len(SOURCES)], 0))
        writer.write(f"GET {PATH} HTTP/1.1\r\nHost: {HOST}\r\nAccept: application/json\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        conns.append((reader, writer))


async def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns, limit = [], asyncio.Semaphore(64)
    tasks = [asyncio.create_task(open_one(i, limit, conns)) for i in range(COUNT)]
    done, pending = await asyncio.wait(tasks, timeout=DEADLINE_S)
    for t in pending:
        t.cancel()
    failed = sum(1 for t in done if t.exception())
    print(f"open {len(conns)} failed {failed + len(pending)}", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line.strip() == "check":
            await asyncio.sleep(0.5)  # lets the loop see closes that are already on the wire
            alive = sum(1 for r, w in conns if not r.at_eof() and not w.is_closing())
            print(f"alive {alive}", flush=True)
        else:
            break
    for _, w in conns:
        w.close()


asyncio.run(main())
