package io.handoff.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for the nodes of one cluster, bounded by a deadline and cut short by the first fatal
 * fault any node reports, so that a broken node fails the wait with its cause instead of a bare
 * timeout.
 */
final class ClusterTasks {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

  private final EmbeddedFaultHandlerFactory faults;

  ClusterTasks(EmbeddedFaultHandlerFactory faults) {
    this.faults = faults;
  }

  static long deadlineAfter(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  /** Polls {@code condition} every 20 ms until it holds, a node fails fatally or time runs out. */
  void waitUntil(String what, BooleanSupplier condition, long deadlineNanos) {
    while (true) {
      Throwable fault = faults.firstFatalFault();
      if (fault != null) {
        throw new EmbeddedKafkaException(
            "Embedded Kafka hit a fatal fault while waiting for " + what, fault);
      }
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new EmbeddedKafkaException("Timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("Interrupted while waiting for " + what, e);
      }
    }
  }

  /**
   * Runs the tasks in parallel on daemon threads and waits for all of them until the deadline.
   * Kafka bounds its own startup by {@code server.max.startup.time.ms}; this is the outer guard.
   */
  void runAll(String what, List<Runnable> tasks, long deadlineNanos) {
    if (tasks.isEmpty()) {
      return;
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            tasks.size(), daemonThreads("embedded-kafka-" + what.replace(' ', '-')));
    boolean completed = false;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable task : tasks) {
        futures.add(executor.submit(task));
      }
      for (Future<?> future : futures) {
        await(what, future, deadlineNanos);
      }
      completed = true;
    } finally {
      if (completed) {
        executor.shutdown();
      } else {
        // Interrupt what is still running and give it a moment, so that the cleanup that follows
        // does not race with a half-finished startup.
        executor.shutdownNow();
        try {
          if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("Embedded Kafka: '{}' still running after being interrupted", what);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void await(String what, Future<?> future, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    try {
      future.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new EmbeddedKafkaException("Embedded Kafka: " + what + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      Throwable fault = faults.firstFatalFault();
      throw new EmbeddedKafkaException(
          "Embedded Kafka: "
              + what
              + " did not finish in time"
              + (fault != null ? " (fatal fault: " + fault.getMessage() + ")" : ""),
          fault);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted during: " + what, e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + THREAD_COUNTER.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
