package io.handoff.stamp;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The emitter's sender thread and the producer it sends on, both made on first use and both ended
 * by {@link #close}. Whatever may block inside the Kafka client runs on this thread, so that the
 * emitter's callers only wait against their deadline. The producer is either the host's (lent,
 * never closed here) or the emitter's own (closed here).
 */
final class SenderThread {

  static final String NAME = "handoff-stamp-sender";

  private final Supplier<Producer<byte[], byte[]>> producerFactory;
  private final boolean ownsProducer;
  private final Object lock = new Object();
  private ExecutorService executor;
  private Producer<byte[], byte[]> producer;
  private volatile boolean closed;

  SenderThread(Supplier<Producer<byte[], byte[]>> producerFactory, boolean ownsProducer) {
    this.producerFactory = producerFactory;
    this.ownsProducer = ownsProducer;
  }

  boolean ownsProducer() {
    return ownsProducer;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Runs {@code task} on the sender thread, started on first use.
   *
   * @throws IllegalStateException once closed
   */
  <T> Future<T> submit(Callable<T> task) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the stamp emitter is closed");
      }
      if (executor == null) {
        executor =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, NAME);
                  t.setDaemon(true);
                  return t;
                });
      }
      return executor.submit(task);
    }
  }

  /**
   * The producer, created on first use. Only the sender thread calls this, so the creation itself
   * needs no lock, and must not hold one: it may take long, and callers wait on the lock.
   *
   * @throws IllegalStateException once closed
   */
  Producer<byte[], byte[]> producer() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the stamp emitter is closed");
      }
      if (producer != null) {
        return producer;
      }
    }
    Producer<byte[], byte[]> created = producerFactory.get();
    synchronized (lock) {
      if (!closed) {
        producer = created;
        return created;
      }
    }
    if (ownsProducer) {
      created.close(Duration.ZERO);
    }
    throw new IllegalStateException("the stamp emitter is closed");
  }

  /** Ends the thread and closes the producer if it is the emitter's own; once. */
  void close() {
    Producer<byte[], byte[]> p;
    ExecutorService thread;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      p = producer;
      producer = null;
      thread = executor;
    }
    if (thread != null) {
      thread.shutdownNow();
    }
    if (p != null && ownsProducer) {
      // Zero: nothing unacknowledged is worth delivering now; its caller already has an outcome.
      p.close(Duration.ZERO);
    }
  }
}
