package io.handoff.spi;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Test;

/**
 * {@link TenureObserver} hands each record to the tenure rules by the role its subclass gives the
 * key (declaration, step-down stamp, anything else, and null keys as anything else), reports
 * undecodable records, cuts the wait (through the engine's observer) only when consuming is
 * switched on while keeping state either way, counts each non-{@code WAIT} handover with its topic
 * and partition, delegates export, restore and forget to its own partition state, validates its
 * arguments, and keeps the state of two version topics apart (rule S1).
 */
public class TenureObserverTest {

  private static final String TOPIC = "store_v1";
  private static final String ME = "host-me";
  private static final String A = "host-a";
  private static final String B = "host-b";
  private static final byte[] DOL = {'D', 1};
  private static final byte[] STAMP = {'S', 1};
  private static final byte[] DATA = {'k', 1};
  private static final byte[] EMPTY = {};

  /**
   * Classifies the test keys: first byte 'D' is a declaration, 'S' a stamp, anything else other.
   */
  private static final class KeyedObserver extends TenureObserver {
    KeyedObserver(HandoffMetrics metrics, String versionTopic, String localWriterId) {
      super(metrics, versionTopic, localWriterId);
    }

    @Override
    protected Role roleOf(byte[] recordKey) {
      if (recordKey == null || recordKey.length == 0) {
        return Role.OTHER;
      }
      return recordKey[0] == 'D'
          ? Role.DECLARATION
          : recordKey[0] == 'S' ? Role.STEP_DOWN : Role.OTHER;
    }
  }

  /** Records handovers and unclean tenures with their topic and partition. */
  private static final class RecordingMetrics implements HandoffMetrics {
    final List<String> events = new ArrayList<>();

    @Override
    public void handover(String versionTopic, int partition, HandoverPath path) {
      events.add(path + " " + versionTopic + "-" + partition);
    }

    @Override
    public void uncleanTenure(String versionTopic, int partition) {
      events.add("unclean " + versionTopic + "-" + partition);
    }
  }

  private static HandoffSettings consuming(boolean on) {
    return HandoffSettings.from(Map.of(HandoffSettings.CONSUME_STEPDOWN_STAMP, String.valueOf(on)));
  }

  private static LeadershipHandoffObserver observer(boolean consume, HandoffMetrics metrics) {
    return observer(consuming(consume), metrics, TOPIC);
  }

  /** The engine's observer around a {@link KeyedObserver}, as a host gets it. */
  private static LeadershipHandoffObserver observer(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic) {
    return HandoffEngine.observer(
        settings, metrics, versionTopic, ME, new KeyedObserver(metrics, versionTopic, ME));
  }

  /** A's clean tenure closed by its stamp, then the reader's DoL of term 7, from offset 0. */
  private static void handover(LeadershipHandoffObserver o, int partition) {
    o.observe(partition, 0, DOL, A, 5);
    o.observe(partition, 1, DATA, A, -1);
    o.observe(partition, 2, null, A, -1);
    o.observe(partition, 3, EMPTY, A, 5);
    o.observe(partition, 4, STAMP, A, 5);
    o.observe(partition, 5, DOL, ME, 7);
  }

  @Test
  public void constructionValidatesAndNamesItsArguments() {
    HandoffSettings s = consuming(true);
    HandoffMetrics m = HandoffMetrics.NOOP;
    assertEquals(
        expectThrows(NullPointerException.class, () -> observer(null, m, TOPIC)).getMessage(),
        "settings is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new KeyedObserver(null, TOPIC, ME))
            .getMessage(),
        "metrics is null",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new KeyedObserver(m, TOPIC, null))
            .getMessage(),
        "localWriterId is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> new KeyedObserver(m, TOPIC, " "))
            .getMessage(),
        "localWriterId is blank",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new KeyedObserver(m, null, ME)).getMessage(),
        "versionTopic is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> new KeyedObserver(m, "", ME))
            .getMessage(),
        "versionTopic is blank",
        "message");

    KeyedObserver e = new KeyedObserver(m, TOPIC, ME);
    assertEquals(e.versionTopic(), TOPIC, "versionTopic");
    assertEquals(e.localWriterId(), ME, "localWriterId");
    assertEquals(e.toString(), "KeyedObserver{store_v1, reader=host-me}", "toString");
    LeadershipHandoffObserver o = HandoffEngine.observer(s, m, TOPIC, ME, e);
    assertEquals(o.versionTopic(), TOPIC, "versionTopic");
    assertEquals(o.localWriterId(), ME, "localWriterId");
    assertEquals(
        o.toString(),
        "LeadershipHandoffObserver{store_v1, reader=host-me, consume=true,"
            + " KeyedObserver{store_v1, reader=host-me}}",
        "toString");
    assertEquals(
        observer(false, m).toString(),
        "LeadershipHandoffObserver{store_v1, reader=host-me, consume=false,"
            + " KeyedObserver{store_v1, reader=host-me}}",
        "toString");
  }

  @Test
  public void eachRoleReachesItsRule() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    handover(o, 3);
    assertTrue(
        o.canSkipInactivityWait(3, 7),
        "declarations start tenures, stamps close them, other records belong");
    assertFalse(o.canSkipInactivityWait(3, 6), "another term");
    assertFalse(o.canSkipInactivityWait(3, 0), "no term");

    LeadershipHandoffObserver stampAsData = observer(true, HandoffMetrics.NOOP);
    stampAsData.observe(3, 0, DOL, A, 5);
    stampAsData.observe(3, 1, DATA, A, 5);
    stampAsData.observe(3, 2, DOL, ME, 7);
    assertFalse(
        stampAsData.canSkipInactivityWait(3, 7), "a record that is not a stamp closes nothing");

    LeadershipHandoffObserver dolAsData = observer(true, HandoffMetrics.NOOP);
    dolAsData.observe(3, 0, DOL, A, 5);
    dolAsData.observe(3, 1, STAMP, A, 5);
    dolAsData.observe(3, 2, DATA, ME, 7);
    assertFalse(
        dolAsData.canSkipInactivityWait(3, 7),
        "the reader's DoL must be read back, not any record");
  }

  @Test
  public void otherRecordsOfAnotherWriterAndUndecodableRecordsMakeTheTenureUnclean() {
    for (byte[] key : new byte[][] {DATA, null, EMPTY}) {
      RecordingMetrics metrics = new RecordingMetrics();
      LeadershipHandoffObserver o = observer(true, metrics);
      o.observe(2, 0, DOL, A, 5);
      o.observe(2, 1, key, B, -1);
      o.observe(2, 2, STAMP, A, 5);
      o.observe(2, 3, DOL, ME, 7);
      assertFalse(o.canSkipInactivityWait(2, 7), "another writer's record");
      assertEquals(
          metrics.events, List.of("unclean store_v1-2"), "counted with topic and partition");
    }

    RecordingMetrics metrics = new RecordingMetrics();
    LeadershipHandoffObserver o = observer(true, metrics);
    o.observe(2, 0, DOL, A, 5);
    o.observeUndecodable(2, 1);
    o.observe(2, 2, STAMP, A, 5);
    o.observe(2, 3, DOL, ME, 7);
    assertFalse(o.canSkipInactivityWait(2, 7), "an undecodable record");
    assertEquals(metrics.events, List.of("unclean store_v1-2"), "counted");
    assertEquals(
        TenureTracker.resumeOffsetOf(o.exportState(2)), 4L, "the undecodable record was taken in");
  }

  @Test
  public void decideHandoverCountsEachHandoverButNotTheWait() {
    RecordingMetrics metrics = new RecordingMetrics();
    LeadershipHandoffObserver o = observer(true, metrics);
    assertEquals(o.decideHandover(4, 7, false), HandoverPath.WAIT, "nothing seen, window open");
    assertEquals(metrics.events, List.of(), "a wait is not counted");
    assertEquals(
        o.decideHandover(4, 7, true), HandoverPath.LEGACY_WAIT, "nothing seen, window elapsed");
    assertEquals(metrics.events, List.of("LEGACY_WAIT store_v1-4"), "the legacy wait is counted");
    handover(o, 4);
    assertEquals(o.decideHandover(4, 7, false), HandoverPath.FAST_PATH, "the fast path");
    assertEquals(
        o.decideHandover(4, 7, true),
        HandoverPath.FAST_PATH,
        "the fast path wins over the legacy wait");
    assertEquals(
        metrics.events,
        List.of("LEGACY_WAIT store_v1-4", "FAST_PATH store_v1-4", "FAST_PATH store_v1-4"),
        "each handover is counted");

    CountingHandoffMetrics counting = new CountingHandoffMetrics();
    LeadershipHandoffObserver c = observer(true, counting);
    assertEquals(
        c.decideHandover(0, 7, false),
        HandoverPath.WAIT,
        "WAIT never reaches a sink that rejects it");
    assertEquals(counting.legacyWait() + counting.fastPath(), 0L, "nothing counted");
  }

  @Test
  public void canSkipInactivityWaitIsAPureQuery() {
    RecordingMetrics metrics = new RecordingMetrics();
    LeadershipHandoffObserver o = observer(true, metrics);
    handover(o, 1);
    byte[] before = o.exportState(1);
    assertTrue(o.canSkipInactivityWait(1, 7), "first");
    assertTrue(o.canSkipInactivityWait(1, 7), "second");
    assertEquals(o.exportState(1), before, "no state change");
    assertEquals(metrics.events, List.of(), "nothing counted");
  }

  @Test
  public void consumingSwitchedOffNeverCutsButKeepsState() {
    RecordingMetrics metrics = new RecordingMetrics();
    LeadershipHandoffObserver off = observer(false, metrics);
    LeadershipHandoffObserver on = observer(true, HandoffMetrics.NOOP);
    handover(off, 0);
    handover(on, 0);
    assertFalse(off.canSkipInactivityWait(0, 7), "switched off");
    assertEquals(off.decideHandover(0, 7, false), HandoverPath.WAIT, "wait");
    assertEquals(off.decideHandover(0, 7, true), HandoverPath.LEGACY_WAIT, "legacy wait");
    assertEquals(metrics.events, List.of("LEGACY_WAIT store_v1-0"), "counted");
    assertEquals(off.exportState(0), on.exportState(0), "the same state is kept either way");

    LeadershipHandoffObserver switchedOn = observer(true, HandoffMetrics.NOOP);
    switchedOn.restoreState(0, 6, off.exportState(0));
    assertTrue(switchedOn.canSkipInactivityWait(0, 7), "switching on needs no re-read");
  }

  @Test
  public void exportRestoreAndForgetActOnThePartition() {
    LeadershipHandoffObserver o = observer(true, HandoffMetrics.NOOP);
    handover(o, 5);
    handover(o, 6);
    byte[] five = o.exportState(5);
    o.forget(5);
    assertFalse(o.canSkipInactivityWait(5, 7), "forgotten");
    assertTrue(o.canSkipInactivityWait(6, 7), "another partition is kept");
    o.restoreState(5, 6, five);
    assertTrue(o.canSkipInactivityWait(5, 7), "restored");
    assertEquals(o.exportState(5), five, "the same state");

    assertEquals(
        expectThrows(NullPointerException.class, () -> o.restoreState(5, 6, null)).getMessage(),
        "state is null",
        "message");
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> o.restoreState(5, 7, five));
    assertEquals(
        e.getMessage(),
        "Cannot restore the handoff state of store_v1-5: it was exported at offset 6 but"
            + " consumption resumes at offset 7",
        "message");
    assertFalse(o.canSkipInactivityWait(5, 7), "a rejected restore leaves nothing");
  }

  @Test
  public void twoVersionTopicsShareNoState() {
    HandoffSettings s = consuming(true);
    LeadershipHandoffObserver x = observer(s, HandoffMetrics.NOOP, "storeX_v1");
    LeadershipHandoffObserver y = observer(s, HandoffMetrics.NOOP, "storeY_v2");
    y.observe(3, 0, DOL, A, 5);
    y.observe(3, 1, DATA, B, -1);
    x.observe(3, 0, DOL, A, 5);
    x.observe(3, 1, STAMP, A, 5);
    y.observe(3, 2, STAMP, A, 5);
    x.observe(3, 2, DOL, ME, 7);
    y.observe(3, 3, DOL, ME, 7);
    assertTrue(x.canSkipInactivityWait(3, 7), "storeX_v1-3 saw a clean tenure");
    assertFalse(
        y.canSkipInactivityWait(3, 7), "storeY_v2-3 saw zombie data, whatever storeX_v1-3 saw");
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> y.restoreState(3, 3, x.exportState(3)));
    assertEquals(
        e.getMessage(),
        "Cannot restore the handoff state of storeY_v2-3: it was exported for storeX_v1-3",
        "an export of one topic cannot be restored into another");
  }
}
