import re, sys, collections, statistics as st
by=collections.defaultdict(list)
for l in open(sys.argv[1]):
    m=re.search(r'GC\((\d+)\)', l)
    if m: by[int(m.group(1))].append(l)
rows=[]
for gid, ls in by.items():
    b=''.join(ls)
    m=re.search(r'Pause Young \(([^)]*)\).*? ([\d.]+)ms', b)
    if not m: continue
    g=lambda pat: (re.search(pat,b) or [None,None])[1]
    rows.append((m.group(1), float(m.group(2)), int(g(r'Copied Bytes: .*Sum: (\d+)') or 0)/1e6, int(g(r'Scanned Cards: .*Sum: (\d+)') or 0), float(g(r'Object Copy \(ms\):\s+Min: [\d.]+, Avg:\s+([\d.]+)') or 0), float(g(r'Scan Heap Roots \(ms\):\s+Min: [\d.]+, Avg:\s+([\d.]+)') or 0), int(g(r'Eden regions: (\d+)') or 0)))
print(len(rows), 'young pauses', collections.Counter(r[0] for r in rows))
for i,n in enumerate(['ms','copiedMB','scannedCards','objCopy','scanRoots','eden']):
    v=[r[i+1] for r in rows]; print(f"{n:>12}: median {st.median(v):.2f}  max {max(v):.2f}")
