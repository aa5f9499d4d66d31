package io.handoff.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** Processor time of this JVM and of its threads by name, for splitting a measurement. */
final class Cpu {

  private Cpu() {}

  /** The processor time this JVM has used, all threads together (JIT and GC included). */
  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The processor time of the live threads called {@code name}, together. */
  static long threadNanos(String name) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().equals(name)) {
        long cpu = mx.getThreadCpuTime(t.getThreadId());
        total += Math.max(0, cpu);
      }
    }
    return total;
  }
}
