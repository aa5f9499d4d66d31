package io.handoff.stamp;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.handoff.spi.StepDown;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.testng.annotations.Test;

/** The emitter's knowledge of partition counts: bounds, recency, and the sliced metadata wait. */
public class PartitionCountsTest {

  private static StepDown stamp(String topic, int partition) {
    return StepDown.established(topic, partition, 7, 0, "host-p");
  }

  private static List<PartitionInfo> partitions(String topic, int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> new PartitionInfo(topic, i, null, null, null))
        .toList();
  }

  @Test
  public void aPartitionIsKnownBelowTheCountOnly() {
    PartitionCounts c = new PartitionCounts(100);
    assertFalse(c.isKnown(stamp("t_v1", 0)), "a topic never seen");
    c.learn("t_v1", 4);
    assertTrue(c.isKnown(stamp("t_v1", 0)));
    assertTrue(c.isKnown(stamp("t_v1", 3)), "the last partition");
    assertFalse(c.isKnown(stamp("t_v1", 4)), "partition == count does not exist");
    assertFalse(c.isKnown(stamp("t_v2", 0)), "another topic");
  }

  @Test
  public void learningKeepsTheLargestCount() {
    PartitionCounts c = new PartitionCounts(100);
    c.learn("t_v1", 4);
    c.learn("t_v1", 2);
    assertTrue(c.isKnown(stamp("t_v1", 3)), "a smaller count (an acked low partition) keeps 4");
    c.learn("t_v1", 6);
    assertTrue(c.isKnown(stamp("t_v1", 5)), "a larger count wins");
    assertEquals(c.knownTopics(), 1);
  }

  @Test
  public void forgetDropsOneTopic() {
    PartitionCounts c = new PartitionCounts(100);
    c.learn("t_v1", 4);
    c.learn("t_v2", 4);
    c.forget("t_v1");
    assertFalse(c.isKnown(stamp("t_v1", 0)));
    assertTrue(c.isKnown(stamp("t_v2", 0)));
    assertEquals(c.knownTopics(), 1);
    c.forget("never_seen");
    assertEquals(c.knownTopics(), 1, "forgetting an unknown topic changes nothing");
  }

  @Test
  public void theLeastRecentlyUsedTopicIsDroppedBeyondTheBound() {
    PartitionCounts c = new PartitionCounts(100);
    for (int i = 0; i < PartitionCounts.MAX_KNOWN_TOPICS; i++) {
      c.learn("t_v" + i, 1);
    }
    assertEquals(c.knownTopics(), PartitionCounts.MAX_KNOWN_TOPICS, "exactly the bound: all kept");
    assertTrue(c.isKnown(stamp("t_v0", 0)), "used now: no longer the least recently used");
    c.learn("t_new", 1);
    assertEquals(c.knownTopics(), PartitionCounts.MAX_KNOWN_TOPICS);
    assertTrue(c.isKnown(stamp("t_v0", 0)), "recently used, kept");
    assertFalse(c.isKnown(stamp("t_v1", 0)), "the least recently used was dropped");
    assertTrue(c.isKnown(stamp("t_new", 0)));
  }

  @Test
  @SuppressWarnings("unchecked")
  public void fetchReturnsAndLearnsTheCount() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    when(p.partitionsFor("t_v1")).thenReturn(partitions("t_v1", 3));
    PartitionCounts c = new PartitionCounts(100);
    assertEquals(c.fetch(p, "t_v1", System.nanoTime() + TimeUnit.SECONDS.toNanos(10)), 3);
    assertTrue(c.isKnown(stamp("t_v1", 2)));
    assertFalse(c.isKnown(stamp("t_v1", 3)));
  }

  @Test
  @SuppressWarnings("unchecked")
  public void aMetadataTimeoutIsRetriedUntilTheDeadline() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    when(p.partitionsFor("t_v1"))
        .thenThrow(new TimeoutException("slice 1"))
        .thenThrow(new TimeoutException("slice 2"))
        .thenReturn(partitions("t_v1", 2));
    PartitionCounts c = new PartitionCounts(100);
    assertEquals(c.fetch(p, "t_v1", System.nanoTime() + TimeUnit.SECONDS.toNanos(30)), 2);
    verify(p, times(3)).partitionsFor("t_v1");
  }

  @Test
  @SuppressWarnings("unchecked")
  public void aMetadataTimeoutAtTheDeadlineIsThrown() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    when(p.partitionsFor("t_v1")).thenThrow(new TimeoutException("slice"));
    PartitionCounts c = new PartitionCounts(100);
    // A deadline already now: exactly at it counts as past.
    TimeoutException e =
        expectThrows(TimeoutException.class, () -> c.fetch(p, "t_v1", System.nanoTime()));
    assertEquals(e.getMessage(), "slice");
    verify(p, times(1)).partitionsFor("t_v1");
    assertFalse(c.isKnown(stamp("t_v1", 0)), "nothing learnt");
  }

  @Test
  @SuppressWarnings("unchecked")
  public void withAZeroAckTimeoutOneSliceIsAll() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    when(p.partitionsFor("t_v1"))
        .thenThrow(new TimeoutException("slice"))
        .thenReturn(partitions("t_v1", 2));
    PartitionCounts c = new PartitionCounts(0);
    expectThrows(
        TimeoutException.class,
        () -> c.fetch(p, "t_v1", System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
    verify(p, times(1)).partitionsFor("t_v1");
  }

  @Test
  @SuppressWarnings("unchecked")
  public void anotherFailureIsNotRetried() {
    Producer<byte[], byte[]> p = mock(Producer.class);
    when(p.partitionsFor("t_v1")).thenThrow(new IllegalStateException("closed"));
    PartitionCounts c = new PartitionCounts(100);
    expectThrows(
        IllegalStateException.class,
        () -> c.fetch(p, "t_v1", System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
    verify(p, times(1)).partitionsFor("t_v1");
  }
}
