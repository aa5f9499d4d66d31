package io.handoff.stamp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.testng.annotations.Test;

/** The sender thread and the producer it makes on first use, and how closing ends both. */
public class SenderThreadTest {

  private static MockProducer<byte[], byte[]> mockProducer() {
    return new MockProducer<>();
  }

  @Test
  public void tasksRunOnOneDaemonThreadNamedForTheEmitter() throws Exception {
    SenderThread t = new SenderThread(SenderThreadTest::mockProducer, true);
    try {
      Thread first = t.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      Thread second = t.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      assertSame(first, second, "one thread for every task");
      assertEquals(first.getName(), SenderThread.NAME);
      assertEquals(SenderThread.NAME, "handoff-stamp-sender");
      assertTrue(first.isDaemon(), "it must not keep a JVM alive");
      assertFalse(t.isClosed());
    } finally {
      t.close();
    }
  }

  @Test
  public void theProducerIsCreatedOnceOnFirstUse() throws Exception {
    AtomicInteger created = new AtomicInteger();
    MockProducer<byte[], byte[]> p = mockProducer();
    SenderThread t =
        new SenderThread(
            () -> {
              created.incrementAndGet();
              return p;
            },
            true);
    assertEquals(created.get(), 0, "nothing before first use");
    assertSame(t.submit(t::producer).get(10, TimeUnit.SECONDS), p);
    assertSame(t.submit(t::producer).get(10, TimeUnit.SECONDS), p);
    assertEquals(created.get(), 1);
    t.close();
    assertTrue(p.closed(), "its own producer is closed with it");
  }

  @Test
  public void aLentProducerIsNeverClosed() throws Exception {
    MockProducer<byte[], byte[]> p = mockProducer();
    SenderThread t = new SenderThread(() -> p, false);
    assertFalse(t.ownsProducer());
    t.submit(t::producer).get(10, TimeUnit.SECONDS);
    t.close();
    assertFalse(p.closed(), "the host's producer is the host's to close");
  }

  @Test
  public void closeEndsTheThreadAndLaterUseFails() throws Exception {
    AtomicInteger created = new AtomicInteger();
    SenderThread t =
        new SenderThread(
            () -> {
              created.incrementAndGet();
              return mockProducer();
            },
            true);
    assertTrue(t.ownsProducer());
    Thread worker = t.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    t.close();
    assertTrue(t.isClosed());
    worker.join(10_000);
    assertFalse(worker.isAlive(), "the sender thread ended");
    IllegalStateException e = expectThrows(IllegalStateException.class, () -> t.submit(() -> 1));
    assertEquals(e.getMessage(), "the stamp emitter is closed");
    e = expectThrows(IllegalStateException.class, t::producer);
    assertEquals(e.getMessage(), "the stamp emitter is closed");
    assertEquals(created.get(), 0, "closed: no producer is even created");
    t.close(); // a second close does nothing
    assertTrue(t.isClosed());
  }

  @Test
  public void closeWithoutUseStartsNothingAndCreatesNoProducer() {
    AtomicInteger created = new AtomicInteger();
    SenderThread t =
        new SenderThread(
            () -> {
              created.incrementAndGet();
              return mockProducer();
            },
            true);
    t.close();
    assertEquals(created.get(), 0);
    expectThrows(IllegalStateException.class, () -> t.submit(() -> 1));
  }

  @Test
  public void aProducerCreatedWhileClosingIsClosedAtOnceWhenOwned() throws Exception {
    for (boolean owned : new boolean[] {true, false}) {
      MockProducer<byte[], byte[]> p = mockProducer();
      CountDownLatch creating = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      SenderThread t =
          new SenderThread(
              () -> {
                creating.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return p;
              },
              owned);
      // On a thread of its own: close() ends the sender thread, whose interrupt would cut the
      // creation short.
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread creator =
          new Thread(
              () -> {
                try {
                  t.producer();
                } catch (Throwable e) {
                  thrown.set(e);
                }
              });
      creator.start();
      assertTrue(creating.await(10, TimeUnit.SECONDS));
      t.close();
      release.countDown();
      creator.join(10_000);
      assertEquals(p.closed(), owned, "owned " + owned);
      assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
      assertEquals(thrown.get().getMessage(), "the stamp emitter is closed");
    }
  }

  @Test
  public void closeInterruptsARunningTask() throws Exception {
    SenderThread t = new SenderThread(SenderThreadTest::mockProducer, true);
    CountDownLatch started = new CountDownLatch(1);
    Future<Boolean> task =
        t.submit(
            () -> {
              started.countDown();
              try {
                Thread.sleep(30_000);
                return false;
              } catch (InterruptedException e) {
                return true;
              }
            });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    t.close();
    assertTrue(task.get(10, TimeUnit.SECONDS), "the task saw the interrupt");
  }

  @Test
  public void aFailingFactoryFailsTheCallAndIsAskedAgainNextTime() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MockProducer<byte[], byte[]> p = mockProducer();
    SenderThread t =
        new SenderThread(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("bad config");
              }
              return p;
            },
            true);
    try {
      ExecutionException e =
          expectThrows(
              ExecutionException.class, () -> t.submit(t::producer).get(10, TimeUnit.SECONDS));
      assertEquals(e.getCause().getMessage(), "bad config");
      Producer<byte[], byte[]> second = t.submit(t::producer).get(10, TimeUnit.SECONDS);
      assertSame(second, p);
    } finally {
      t.close();
    }
    assertTrue(p.closed());
  }
}
