# Sourced by ./twin and benchmarks/run.sh: the native allocator of the JVM they start and of every process it starts
# (the services of up, demo and bench inherit it). README.md, "Native memory", has the measurements.
#
# jemalloc when it is installed (Debian/Ubuntu: libjemalloc2), else glibc with a fixed mmap threshold.
# - glibc's dynamic threshold moves MB-sized tensors to the heap after the first frees, and tensors with overlapping
#   lifetimes (a cache of merged weight sets, per-request materializations) fragment it without bound: RSS grew by
#   ~1 GB per 1,000 materializations until the OOM killer struck, with the threshold fixed at 32 MiB as well.
# - With the threshold fixed at 128 KiB, every tensor of that size or more is a fresh mmap. On a VM where a new page
#   costs a fault that made MiniLM's training steps 5-7x slower and materializations about 5x.
# - jemalloc reuses freed pages and keeps RSS flat. oversize_threshold:0 keeps it from purging blocks above 8 MiB
#   (MiniLM's activations) at once, and longer decays keep freed pages for the next step.
# TWIN_MALLOC=glibc forces the fallback, TWIN_MALLOC=jemalloc fails when jemalloc is missing; MALLOC_CONF, if set,
# is left as it is.
if [ "${TWIN_MALLOC:-auto}" != glibc ] && [ -z "${LD_PRELOAD:-}" ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
      /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -f "$lib" ]; then
      export LD_PRELOAD="$lib"
      export MALLOC_CONF="${MALLOC_CONF:-oversize_threshold:0,dirty_decay_ms:30000,muzzy_decay_ms:30000}"
      break
    fi
  done
fi
if [ -z "${TWIN_MALLOC:-}" ] && [ -z "${LD_PRELOAD:-}" ]; then
  case "${1:-}" in
    eval|recipe|bench|up|demo)
      echo "twin: jemalloc is not installed; running on glibc's malloc, which can be several times slower here" \
        "(apt-get install libjemalloc2; TWIN_MALLOC=glibc silences this)" >&2 ;;
  esac
fi
if [ "${TWIN_MALLOC:-auto}" = jemalloc ] && [[ "${LD_PRELOAD:-}" != *jemalloc* ]]; then
  echo "twin: TWIN_MALLOC=jemalloc, but libjemalloc.so.2 is not installed (apt-get install libjemalloc2)" >&2
  exit 2
fi
# glibc's setting; jemalloc ignores it
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
