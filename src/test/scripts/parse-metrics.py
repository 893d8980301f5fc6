"""Parses a Prometheus text exposition from stdin with the Prometheus Python client's own parser (the one its
scrapers are tested against) and prints it as JSON: {family: {"type": ..., "samples": [[name, labels, value]]}}.
A malformed exposition makes the parser raise: the script then exits non-zero with its message."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    samples = [[s.name, s.labels, None if math.isnan(s.value) else s.value] for s in family.samples]
    families[family.name] = {"type": family.type, "samples": samples}
json.dump(families, sys.stdout)
