import re, sys
# pauses (all kinds) in the last W seconds of the log (the Gatling steps)
W=float(sys.argv[2]) if len(sys.argv)>2 else 32
rows=[]
for l in open(sys.argv[1]):
    m=re.search(r'\[([\d.]+)s\].*\[gc\s*\] GC\(\d+\) Pause (\w+(?: \([^)]*\))?).*? ([\d.]+)ms$', l.strip())
    if m: rows.append((float(m.group(1)), m.group(2), float(m.group(3))))
end=rows[-1][0]; rows=[r for r in rows if r[0]>end-W]
tot=sum(r[2] for r in rows)
kinds={}
for t,k,ms in rows: kinds.setdefault(k,[]).append(ms)
print(f"{sys.argv[1]}: {len(rows)} pauses in {W:.0f}s, {tot/W:.1f} ms paused per s, over 8 ms: {sum(1 for r in rows if r[2]>8)}; " + ", ".join(f"{k} {len(v)}x med {sorted(v)[len(v)//2]:.1f}" for k,v in kinds.items()))
