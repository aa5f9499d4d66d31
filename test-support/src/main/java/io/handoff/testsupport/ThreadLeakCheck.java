package io.handoff.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds threads a test left running: take a {@link #snapshot()} before the components under test
 * start (in {@code @BeforeClass}), call {@link #assertNoLeaks(String)} after they are closed (at
 * the end of {@code @AfterClass}). A thread counts as left behind when it was not alive at the
 * snapshot and is still alive after a grace period, and it is either non-daemon (it would keep a
 * host's JVM from exiting) or one of the threads handoff's components and Kafka clients create:
 * {@code handoff-*}, {@code replica-*}, Kafka producer, admin and consumer heartbeat threads.
 * Non-daemon threads named like an embedded broker's own are not counted.
 *
 * <p>Take the snapshot after starting shared infrastructure such as {@link SharedKafka#cluster()},
 * whose threads live on for the next test class.
 */
public final class ThreadLeakCheck {

  /** Thread names the components under test and their Kafka clients use. */
  private static final List<String> WATCHED_PREFIXES =
      List.of(
          "handoff-",
          "replica-",
          "kafka-producer-network-thread",
          "kafka-admin-client-thread",
          "kafka-coordinator-heartbeat-thread");

  /**
   * Name prefixes of an embedded broker's own threads: a broker shared by the classes of a test JVM
   * starts some of them lazily (on its first fetch, say), and they are not the test's to close.
   */
  private static final List<String> BROKER_PREFIXES =
      List.of(
          "executor-",
          "ExpirationReaper-",
          "kafka-",
          "data-plane-",
          "controller-",
          "raft-",
          "broker-",
          "ReplicaFetcherThread-",
          "LogDirFailureHandler",
          "group-coordinator",
          "share-coordinator",
          "transaction-",
          "ThrottledChannelReaper-",
          "metrics-meter-tick-thread",
          "embedded-kafka-");

  /** How long closed components get for their threads to finish dying. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Set<Thread> before;

  private ThreadLeakCheck(Set<Thread> before) {
    this.before = before;
  }

  /** The threads alive now; only threads started later can be reported. */
  public static ThreadLeakCheck snapshot() {
    Set<Thread> alive = Collections.newSetFromMap(new IdentityHashMap<>());
    alive.addAll(Thread.getAllStackTraces().keySet());
    return new ThreadLeakCheck(alive);
  }

  /**
   * Fails naming every watched thread started since the snapshot that is still alive once the grace
   * period (up to 5 s, polling every 20 ms) is over.
   *
   * @param context what was closed, for the failure message
   * @throws AssertionError if such a thread is left
   */
  public void assertNoLeaks(String context) {
    long deadline = System.nanoTime() + GRACE.toNanos();
    Set<String> left = leftBehind();
    while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
      sleep(20);
      left = leftBehind();
    }
    if (!left.isEmpty()) {
      throw new AssertionError(context + ": thread(s) left behind: " + left);
    }
  }

  /** The watched threads started since the snapshot and alive now, sorted by name. */
  public Set<String> leftBehind() {
    Set<String> left = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !before.contains(t) && watched(t)) {
        left.add(t.getName() + (t.isDaemon() ? "" : " (non-daemon)") + " #" + t.getId());
      }
    }
    return left;
  }

  private static boolean watched(Thread t) {
    if (startsWithAny(t.getName(), WATCHED_PREFIXES)) {
      return true;
    }
    return !t.isDaemon()
        && t != Thread.currentThread()
        && !startsWithAny(t.getName(), BROKER_PREFIXES);
  }

  private static boolean startsWithAny(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Names of the live Kafka producer I/O threads of this JVM, sorted. */
  public static Set<String> producerThreads() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().contains("kafka-producer-network-thread")) {
        names.add(t.getName() + " #" + t.getId());
      }
    }
    return names;
  }

  /**
   * Fails if a producer I/O thread is alive that was not in {@code before} (from {@link
   * #producerThreads()}), after a grace period of 1 s for closed producers' threads to finish.
   */
  public static void assertNoNewProducerThread(Set<String> before, String context) {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (true) {
      List<String> extra = new ArrayList<>(producerThreads());
      extra.removeAll(before);
      if (extra.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(context + ": producer thread(s) left behind: " + extra);
      }
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for threads to end", e);
    }
  }
}
