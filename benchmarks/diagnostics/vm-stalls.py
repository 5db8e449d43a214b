#!/usr/bin/python3
"""Logs the moments the machine did not run a real-time thread on time.

Run it as root at real-time priority beside a benchmark:
    chrt -f 50 /usr/bin/python3 vm-stalls.py stalls.log
It sleeps 1 ms at a time and writes "HH:MM:SS.mmm <gap ms>" for every wake-up more than 15 ms after the last one.
A SCHED_FIFO thread preempts every ordinary thread of the guest, so such a gap is the kernel or the host (a
descheduled vCPU), not the JVMs of the stack.
"""
import sys
import time

out = open(sys.argv[1], 'a', buffering=1)
last = time.monotonic()
while True:
    time.sleep(0.001)
    now = time.monotonic()
    gap_ms = (now - last) * 1000
    if gap_ms > 15:
        wall = time.time()
        out.write('%s.%03d %.1f\n' % (time.strftime('%H:%M:%S', time.localtime(wall)), int(wall % 1 * 1000), gap_ms))
    last = now
