#!/usr/bin/python3
"""Spins on the monotonic clock for S seconds and reports the gaps between two reads longer than 2 ms.

On an otherwise idle machine, a gap is time the vCPU did not run: `spin.py 20 one & spin.py 20 two` shows what two
busy vCPUs lose to the host.
"""
import sys
import time

seconds, tag = float(sys.argv[1]), sys.argv[2]
t0 = last = time.monotonic()
gaps = []
while last - t0 < seconds:
    now = time.monotonic()
    if now - last > 0.002:
        gaps.append((now - last) * 1000)
    last = now
lost = sum(gaps)
print('%s: %d gaps > 2 ms, %.0f ms lost of %.0f s (%.1f%%), %d gaps > 20 ms, longest %.1f ms'
      % (tag, len(gaps), lost, seconds, lost / seconds / 10, sum(1 for g in gaps if g > 20), max(gaps, default=0)))
