#!/usr/bin/python3
"""Samples the CPU of every JVM of a stack, per process and per thread kind, every 5 s, from /proc.

    /usr/bin/python3 thread-cpu.py cpu.log
Each sample is one line "== HH:MM:SS" with each process's CPU (% of one core; the machine has 100% per core), then the
busiest thread kinds (thread names without their trailing number, e.g. broker/data-plane-kafka-request-handler).
Processes are named by their command line: router, merger, exec, broker, client (the twin CLI), other.
"""
import collections
import os
import re
import sys
import time

NAMES = (('router-service', 'router'), ('merger-service', 'merger'), ('executor-service', 'exec'),
         ('kafka.Kafka', 'broker'), ('twin-cli', 'client'))


def process_name(pid):
    try:
        cmdline = open('/proc/%s/cmdline' % pid).read()
    except OSError:
        return None
    return next((n for key, n in NAMES if key in cmdline), 'other')


def snapshot():
    """(pid, tid) -> (process name, thread name, CPU ticks so far) of every thread of every java process."""
    threads = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            if open('/proc/%s/comm' % pid).read().strip() != 'java':
                continue
            tids = os.listdir('/proc/%s/task' % pid)
        except OSError:
            continue
        name = process_name(pid)
        for tid in tids:
            try:
                stat = open('/proc/%s/task/%s/stat' % (pid, tid)).read()
            except OSError:
                continue
            fields = stat[stat.rindex(')') + 2:].split()
            threads[(pid, tid)] = (name, stat[stat.index('(') + 1:stat.rindex(')')], int(fields[11]) + int(fields[12]))
    return threads


out = open(sys.argv[1], 'a', buffering=1)
ticks_per_s = os.sysconf('SC_CLK_TCK')
before, t_before = snapshot(), time.time()
while True:
    time.sleep(5)
    now, t_now = snapshot(), time.time()
    scale = 100.0 / ticks_per_s / (t_now - t_before)  # ticks -> % of one core
    per_process, per_kind = collections.Counter(), collections.Counter()
    for key, (name, thread, ticks) in now.items():
        if key in before:
            used = (ticks - before[key][2]) * scale
            per_process[name] += used
            per_kind['%s/%s' % (name, re.sub(r'[-#]?\d+$', '', thread))] += used
    out.write('== %s %s total %.0f%%\n' % (time.strftime('%H:%M:%S'),
              ' '.join('%s=%.0f%%' % kv for kv in sorted(per_process.items())), sum(per_process.values())))
    out.write('  ' + ', '.join('%s %.0f' % kv for kv in per_kind.most_common(20)) + '\n')
    before, t_before = now, t_now
