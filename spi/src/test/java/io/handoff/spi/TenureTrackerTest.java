package io.handoff.spi;

import static io.handoff.spi.TenureScript.ME;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link TenureTracker} applies the consume-side rules R1 to R5 of {@code docs/ARCHITECTURE.md},
 * checked through its public API only: which declaration starts a tenure, which record belongs to
 * it, what makes it unclean for good, which stamp closes it and when the tenure before the reader's
 * counts as cleanly closed; that {@code mayCut} needs every one of its conditions; that an unclean
 * tenure is counted and logged once; that {@code forget}, {@code export} and {@code restore} keep
 * or reset exactly one partition and reject every export that does not fit; and that partitions are
 * bounded by {@link TenureTracker#MAX_PARTITION} and may be used in any order and from several
 * threads at once.
 */
public class TenureTrackerTest {

  private static final String TOPIC = "store_v1";
  private static final int P = 3;
  private static final String A = "host-a";
  private static final String B = "host-b";

  private CountingHandoffMetrics metrics;
  private TenureTracker tracker;

  /** The offset of the next record fed to partition {@link #P}. */
  private long next;

  @BeforeMethod
  public void setUp() {
    metrics = new CountingHandoffMetrics();
    tracker = new TenureTracker(TOPIC, metrics);
    next = 100;
  }

  private void feed(String script) {
    next = TenureScript.feed(tracker, P, next, TenureScript.parse(script));
  }

  private boolean cut(CharSequence reader, long term) {
    return tracker.mayCut(P, reader, term);
  }

  private ExportLayout state() {
    return ExportLayout.of(tracker.export(P));
  }

  // ---------------------------------------------------------------- construction

  @Test
  public void constructionNamesTheTopicAndRejectsBadArguments() {
    assertEquals(tracker.versionTopic(), TOPIC, "versionTopic");
    assertEquals(tracker.toString(), "TenureTracker{store_v1}", "toString");
    assertEquals(TenureTracker.NO_TERM, -1L, "NO_TERM");
    assertEquals(TenureTracker.MAX_PARTITION, (1 << 20) - 1, "MAX_PARTITION");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new TenureTracker(null, metrics))
            .getMessage(),
        "versionTopic is null",
        "message");
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> new TenureTracker(" ", metrics))
            .getMessage(),
        "versionTopic is blank",
        "message");
    assertEquals(
        expectThrows(NullPointerException.class, () -> new TenureTracker(TOPIC, null)).getMessage(),
        "metrics is null",
        "message");
  }

  // ---------------------------------------------------------------- the rules, record by record

  /**
   * Script, reader, reader's term, whether it may cut, unclean tenures counted, what the row shows.
   */
  @DataProvider
  public Object[][] rules() {
    return new Object[][] {
      // A clean tenure closed by its own stamp (R1 to R4).
      {
        "D:A:5 O:A:-1 O:A:5 S:A:5 D:ME:7 O:ME:-1 O:ME:7",
        ME,
        7,
        true,
        0,
        "a clean tenure closed by its stamp, then the reader's own DoL and records"
      },
      {"D:A:1 S:A:1 D:ME:2", ME, 2, true, 0, "term 1 is a real term"},

      // Declarations.
      {
        "D:A:5 S:A:5 D:ME:7 D:ME:7",
        ME,
        7,
        false,
        0,
        "a repeat of the reader's DoL starts a new tenure: the one it ends was never closed"
      },
      {
        "D:A:5 D:A:5 S:A:5 D:ME:7",
        ME,
        7,
        true,
        0,
        "a repeated DoL starts a new tenure, which its stamp closes"
      },
      {
        "D:A:5 O:A:-1 D:A:5 O:A:-1 S:A:5 D:ME:7",
        ME,
        7,
        true,
        0,
        "the writer's records belong to the tenure of its latest DoL"
      },
      {
        "D:A:5 O:B:-1 D:A:5 O:B:-1 S:A:5 D:ME:7",
        ME,
        7,
        false,
        2,
        "a repeated DoL starts a new tenure, counted again when it turns unclean"
      },
      {
        "D:A:5 O:B:-1 D:A:5 S:A:5 D:ME:7",
        ME,
        7,
        true,
        1,
        "a repeated DoL ends the unclean tenure; the new one closed by its stamp counts"
      },
      {
        "D:A:5 S:A:5 D:A:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a DoL after its writer's own stamp starts a new tenure, which was never closed"
      },
      {
        "D:A:5 D:A:-1 S:A:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a DoL of the tenure's writer without term starts a new tenure that is never clean"
      },
      {
        "D:A:-1 S:A:-1 D:ME:7",
        ME,
        7,
        false,
        0,
        "a DoL without term starts a tenure that is never clean"
      },
      {
        "D:A:0 S:A:0 D:ME:7", ME, 7, false, 0, "a DoL of term 0 starts a tenure that is never clean"
      },
      {
        "D:-:5 S:-:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a DoL without writer starts a tenure that is never clean"
      },
      {
        "D:-:5 O:A:-1 O:-:-1 S:A:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "records in a tenure without writer change nothing and count nothing"
      },
      {
        "D:A:3 S:A:3 D:B:5 S:B:5 D:ME:7",
        ME,
        7,
        true,
        0,
        "the previous stamp term is the last closed tenure's"
      },
      {
        "D:A:3 S:A:3 D:B:5 S:B:5 D:ME:4",
        ME,
        4,
        false,
        0,
        "the previous stamp term is 5, not the older 3"
      },
      {
        "D:A:3 S:A:3 D:B:5 O:C:-1 S:B:5 D:ME:7",
        ME,
        7,
        false,
        1,
        "an unclean tenure between forgets the older stamp term"
      },
      {
        "D:A:3 S:A:3 D:B:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a tenure that was never closed forgets the older stamp term"
      },
      {"D:A:5 D:B:5 S:B:5 D:ME:7", ME, 7, true, 0, "two writers with equal terms are two tenures"},
      {
        "D:A:5 D:B:6 S:A:5 D:ME:7",
        ME,
        7,
        false,
        1,
        "a stamp of the tenure before is foreign to the current one"
      },

      // Step-down stamps.
      {"D:A:5 S:A:5 S:A:5 D:ME:7", ME, 7, true, 0, "a repeat of the closing stamp changes nothing"},
      {"D:A:5 S:B:5 S:A:5 D:ME:7", ME, 7, false, 1, "a stamp of another writer is foreign"},
      {
        "D:A:5 S:A:5 S:B:6 D:ME:7",
        ME,
        7,
        false,
        1,
        "a stamp of another writer after the closing stamp"
      },
      {
        "D:A:5 S:A:-1 S:A:5 D:ME:7",
        ME,
        7,
        false,
        1,
        "a stamp of the tenure's writer without term is foreign"
      },
      {
        "D:A:5 S:A:4 S:A:5 D:ME:7",
        ME,
        7,
        false,
        1,
        "a stamp of an older session of the writer is foreign"
      },
      {
        "D:A:5 S:A:5 S:A:4 D:ME:7",
        ME,
        7,
        false,
        1,
        "a stamp of an older session after the closing stamp"
      },
      {"D:A:5 S:-:5 S:A:5 D:ME:7", ME, 7, false, 1, "a stamp without writer is foreign"},
      {
        "S:A:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a stamp before any DoL closes nothing: the tenure was not seen whole"
      },
      {"S:A:5 S:A:5 D:ME:7", ME, 7, false, 0, "nor does its repeat"},
      {"S:A:5 D:B:6 S:B:6 D:ME:7", ME, 7, true, 0, "the first tenure seen whole counts"},
      {
        "D:A:-1 S:A:-1 S:A:-1 O:B:-1 D:ME:7",
        ME,
        7,
        false,
        0,
        "a tenure without term may close but never counts"
      },

      // Other records (R1, R2).
      {"D:A:5 O:B:-1 S:A:5 D:ME:7", ME, 7, false, 1, "data of another writer"},
      {
        "D:A:5 O:B:5 S:A:5 D:ME:7", ME, 7, false, 1, "data of another writer with the tenure's term"
      },
      {"D:A:5 O:A:4 S:A:5 D:ME:7", ME, 7, false, 1, "data of the same writer with an older term"},
      {"D:A:5 O:A:6 S:A:5 D:ME:7", ME, 7, false, 1, "data of the same writer with a newer term"},
      {"D:A:5 O:-:-1 S:A:5 D:ME:7", ME, 7, false, 1, "data without writer"},
      {"D:A:5 O:-:5 S:A:5 D:ME:7", ME, 7, false, 1, "data without writer with the tenure's term"},
      {
        "D:A:5 S:A:5 O:A:-1 D:ME:7",
        ME,
        7,
        false,
        1,
        "data of the tenure's own writer after its stamp"
      },
      {"D:A:5 S:A:5 O:A:5 D:ME:7", ME, 7, false, 1, "data with the tenure's term after its stamp"},
      {"O:A:-1 D:ME:7", ME, 7, false, 0, "a tracker that starts inside a tenure"},
      {
        "O:A:5 S:A:5 D:ME:7",
        ME,
        7,
        false,
        0,
        "a tracker that starts inside a tenure, then its stamp"
      },

      // Undecodable records.
      {"D:A:5 U S:A:5 D:ME:7", ME, 7, false, 1, "an undecodable record inside the tenure"},
      {"D:A:5 S:A:5 U D:ME:7", ME, 7, false, 1, "an undecodable record after the stamp"},
      {"U D:A:5 S:A:5 D:ME:7", ME, 7, true, 0, "an undecodable record before the first DoL"},
      {"U U D:ME:7", ME, 7, false, 0, "undecodable records before the reader's DoL"},

      // The cut (R4).
      {"D:A:5 S:A:5 D:ME:7", ME, 6, false, 0, "the reader's tenure is of another term (lower)"},
      {"D:A:5 S:A:5 D:ME:7", ME, 8, false, 0, "the reader's tenure is of another term (higher)"},
      {
        "D:A:5 S:A:5 D:B:7",
        ME,
        7,
        false,
        0,
        "the current tenure is another writer's with the reader's term"
      },
      {"D:A:5 S:A:5 D:B:7", B, 7, true, 0, "which that writer may cut"},
      {"D:A:5 S:A:5 D:ME:7 O:B:-1", ME, 7, false, 1, "the reader's tenure is unclean"},
      {"D:A:5 S:A:5 D:ME:7 U", ME, 7, false, 1, "the reader's tenure holds an undecodable record"},
      {"D:ME:7", ME, 7, false, 0, "no previous stamp"},
      {"D:A:6 S:A:6 D:ME:7", ME, 7, true, 0, "previous stamp term just below"},
      {"D:A:7 S:A:7 D:ME:7", ME, 7, false, 0, "previous stamp term equal"},
      {"D:A:9 S:A:9 D:ME:7", ME, 7, false, 0, "previous stamp term above"},
      {
        "D:A:5 S:A:5 D:ME:7 S:ME:7",
        ME,
        7,
        false,
        0,
        "the reader's tenure is closed by its own stamp"
      },
      {"D:A:5 S:A:5 D:ME:-1", ME, -1, false, 0, "a reader without term"},
      {"D:A:5 S:A:5 D:ME:0", ME, 0, false, 0, "a reader of term 0"},
      {"D:A:5 S:A:5 D:ME:7", ME, 0, false, 0, "a reader asking with term 0"},
      {"D:A:5 S:A:5 D:ME:7", ME, -1, false, 0, "a reader asking with term -1"},
      {"D:A:5 S:A:5 D:ME:7", null, 7, false, 0, "a reader without writer id"},
      {"", ME, 7, false, 0, "nothing seen"},

      // The sequences of the architecture document's table.
      {"D:A:5 S:A:5 U D:ME:7", ME, 7, false, 1, "stamp of 5, an undecodable put, a reader of 7"},
      {
        "D:A:5 S:A:5 D:B:7 O:B:7",
        ME,
        7,
        false,
        0,
        "stamp of 5, another writer's DoL and data of 7, a reader of 7"
      },
      {
        "D:Z:100 D:A:200 O:Z:-1 O:A:-1 S:A:200 D:ME:300",
        ME,
        300,
        false,
        1,
        "a zombie write inside the tenure of the writer that stamps"
      },
      {
        "D:A:3 S:A:3 D:ME:5 O:ME:-1 D:ME:8",
        ME,
        8,
        false,
        0,
        "a re-promoted reader whose earlier tenure has no stamp"
      },
      {
        "D:A:3 S:A:3 D:ME:5 O:ME:-1 S:ME:5 D:ME:8",
        ME,
        8,
        true,
        0,
        "a re-promoted reader whose earlier tenure its own stamp closed"
      },
    };
  }

  @Test(dataProvider = "rules")
  public void rule(
      String script, String reader, long myTerm, boolean mayCut, long unclean, String what) {
    feed(script);
    assertEquals(cut(reader, myTerm), mayCut, what + ": mayCut after " + script);
    assertEquals(
        metrics.uncleanTenure(), unclean, what + ": unclean tenures counted after " + script);
  }

  // ---------------------------------------------------------------- declaration

  @Test
  public void aDeclarationStartsACleanOpenTenure() {
    feed("D:A:5");
    ExportLayout s = state();
    assertEquals(s.phase, ExportLayout.OPEN, "phase");
    assertEquals(s.clean, 1, "clean");
    assertEquals(s.writer, A, "writer");
    assertEquals(s.term, 5L, "term");
    assertEquals(s.previousStampTerm, 0L, "no previous stamp");
  }

  @Test
  public void aDeclarationAfterACleanlyClosedTenureRemembersItsStampTerm() {
    feed("D:A:5 O:A:-1 S:A:5");
    assertEquals(state().phase, ExportLayout.CLOSED, "the stamp closed the tenure");
    assertEquals(state().clean, 1, "and it is clean");
    feed("D:B:9");
    ExportLayout s = state();
    assertEquals(s.previousStampTerm, 5L, "previous stamp term");
    assertEquals(s.writer, B, "writer");
    assertEquals(s.term, 9L, "term");
    assertEquals(s.phase, ExportLayout.OPEN, "phase");
    assertEquals(s.clean, 1, "clean");
  }

  @Test
  public void aDeclarationAfterAnUncleanTenureForgetsThePreviousStampTerm() {
    feed("D:A:5 S:A:5 D:B:6");
    assertEquals(state().previousStampTerm, 5L, "remembered while B's tenure is open");
    feed("O:C:-1 S:B:6");
    assertEquals(state().clean, 0, "B's tenure is unclean");
    feed("D:ME:7");
    assertEquals(
        state().previousStampTerm, 0L, "B's unclean tenure does not count, and A's is forgotten");
  }

  @Test
  public void aDeclarationWithoutWriterOrTermStartsATenureThatIsNeverClean() {
    feed("D:-:5");
    assertEquals(state().clean, 0, "without writer");
    assertNull(state().writer, "no writer");
    feed("D:A:0");
    assertEquals(state().clean, 0, "term 0");
    assertEquals(state().writer, A, "writer");
    feed("D:A:-1");
    assertEquals(state().clean, 0, "no term");
    feed("D:A:1");
    assertEquals(state().clean, 1, "term 1");
  }

  @Test
  public void theWriterIdIsCopiedFromAReusedBuffer() {
    StringBuilder buffer = new StringBuilder(A);
    tracker.declaration(P, next++, buffer, 5);
    buffer.setLength(0);
    buffer.append(B);
    tracker.other(P, next++, buffer, TenureTracker.NO_TERM);
    assertEquals(state().writer, A, "the tenure keeps the writer id it was declared with");
    assertEquals(
        state().clean, 0, "the other writer's record, read from the same buffer, is foreign");
    assertEquals(metrics.uncleanTenure(), 1L, "counted");

    buffer.setLength(0);
    buffer.append(B);
    tracker.declaration(P, next++, buffer, 6);
    buffer.setLength(0);
    buffer.append(B);
    tracker.other(P, next++, buffer, 6);
    tracker.stepDown(P, next++, new StringBuilder(B), 6);
    tracker.declaration(P, next++, new StringBuilder(ME), 7);
    assertTrue(tracker.mayCut(P, new StringBuilder(ME), 7), "writer ids are compared by content");
  }

  // ---------------------------------------------------------------- step-down stamps

  @Test
  public void aStampClosesItsOwnTenureOnly() {
    feed("D:A:5 S:A:5");
    assertEquals(state().phase, ExportLayout.CLOSED, "closed by its own stamp");
    feed("S:A:5");
    assertEquals(state().phase, ExportLayout.CLOSED, "a repeat leaves it closed");
    assertEquals(state().clean, 1, "and clean");
    assertEquals(metrics.uncleanTenure(), 0L, "and counts nothing");

    setUp();
    feed("D:A:5 S:B:5");
    assertEquals(state().phase, ExportLayout.OPEN, "another writer's stamp does not close it");
    assertEquals(state().clean, 0, "but makes it unclean");
  }

  @Test
  public void aStampBeforeAnyDeclarationOpensAnUncleanTenureOfNobody() {
    feed("S:A:5");
    ExportLayout s = state();
    assertEquals(s.phase, ExportLayout.OPEN, "phase");
    assertEquals(s.clean, 0, "clean");
    assertNull(s.writer, "writer");
    assertEquals(s.term, -1L, "term");
    assertEquals(s.previousStampTerm, 0L, "previous stamp term");
    assertEquals(metrics.uncleanTenure(), 0L, "a tenure never seen beginning is not counted");
  }

  // ---------------------------------------------------------------- other and undecodable records

  @Test
  public void recordsOfTheTenureBelongToIt() {
    feed("D:A:5 O:A:-1 O:A:5 O:A:-1");
    assertEquals(
        state().clean, 1, "the writer's records without term and with the tenure's term belong");
    assertEquals(metrics.uncleanTenure(), 0L, "nothing counted");
  }

  @Test
  public void aFirstRecordThatIsNoDeclarationOpensAnUncleanTenureOfNobody() {
    for (String first : List.of("O:A:-1", "O:A:5", "O:-:-1", "U")) {
      setUp();
      feed(first);
      ExportLayout s = state();
      assertEquals(s.phase, ExportLayout.OPEN, first + ": phase");
      assertEquals(s.clean, 0, first + ": clean");
      assertNull(s.writer, first + ": writer");
      assertEquals(s.term, -1L, first + ": term");
      assertEquals(metrics.uncleanTenure(), 0L, first + ": not counted");
    }
  }

  @Test
  public void anUndecodableRecordMakesTheTenureUnclean() {
    feed("D:A:5");
    tracker.undecodable(P, next++);
    assertEquals(state().clean, 0, "clean");
    assertEquals(state().phase, ExportLayout.OPEN, "the tenure stays open");
    assertEquals(metrics.uncleanTenure(), 1L, "counted");
  }

  // ---------------------------------------------------------------- metrics and log

  /** Records which partitions' tenures turned unclean. */
  private static final class RecordingMetrics implements HandoffMetrics {
    final List<String> unclean = new ArrayList<>();

    @Override
    public void uncleanTenure(String versionTopic, int partition) {
      unclean.add(versionTopic + "-" + partition);
    }
  }

  @Test
  public void anUncleanTenureIsCountedOnceWithItsTopicAndPartition() {
    RecordingMetrics recording = new RecordingMetrics();
    TenureTracker t = new TenureTracker(TOPIC, recording);
    long o =
        TenureScript.feed(t, P, 0, TenureScript.parse("D:A:5 O:B:-1 O:C:-1 U S:B:5 S:A:5 O:A:-1"));
    assertEquals(recording.unclean, List.of("store_v1-3"), "one tenure turned unclean once");
    TenureScript.feed(t, P, o, TenureScript.parse("D:B:6 O:A:-1 O:A:-1"));
    assertEquals(
        recording.unclean, List.of("store_v1-3", "store_v1-3"), "the next tenure is counted again");
    TenureScript.feed(t, 0, 0, TenureScript.parse("D:A:5 S:A:5 O:A:-1 O:A:-1"));
    assertEquals(
        recording.unclean,
        List.of("store_v1-3", "store_v1-3", "store_v1-0"),
        "a record after the stamp counts once, for its own partition");
    TenureScript.feed(t, 1, 0, TenureScript.parse("O:A:-1 O:B:-1 U S:A:5 O:A:-1"));
    assertEquals(
        recording.unclean.size(), 3, "a tenure whose beginning was not seen is never counted");
  }

  @Test
  public void anUncleanTenureIsLoggedOnceSayingWhy() {
    try (LogCapture log = new LogCapture(TenureTracker.class)) {
      feed("D:A:5 O:B:-1 O:B:-1");
      assertEquals(
          log.messages(Level.WARN),
          List.of(
              "store_v1-3 offset 101: a record of writer host-b with term -1"
                  + " is not part of the tenure of host-a (term 5); the next leader will not skip the inactivity wait"),
          "one warning for the record that made the tenure unclean");
    }
    setUp();
    try (LogCapture log = new LogCapture(TenureTracker.class)) {
      feed("D:A:5 S:A:5 O:A:5 U");
      assertEquals(
          log.messages(Level.WARN),
          List.of(
              "store_v1-3 offset 102: a record of writer host-a with term 5"
                  + " follows the step-down stamp of the tenure of host-a (term 5); the next leader will not skip the"
                  + " inactivity wait"),
          "one warning for the record after the stamp");
    }
    setUp();
    try (LogCapture log = new LogCapture(TenureTracker.class)) {
      feed("D:A:5 U");
      feed("D:A:6 O:-:6");
      feed("D:A:7 O:-:-1");
      feed("D:A:8 O:B:-1");
      assertEquals(
          log.messages(Level.WARN),
          List.of(
              "store_v1-3 offset 101: a record without writer id (or undecodable) is not part of the tenure of host-a"
                  + " (term 5); the next leader will not skip the inactivity wait",
              "store_v1-3 offset 103: a record of writer null with term 6 is not part of the tenure of host-a"
                  + " (term 6); the next leader will not skip the inactivity wait",
              "store_v1-3 offset 105: a record without writer id (or undecodable) is not part of the tenure of host-a"
                  + " (term 7); the next leader will not skip the inactivity wait",
              "store_v1-3 offset 107: a record of writer host-b with term -1 is not part of the tenure of host-a"
                  + " (term 8); the next leader will not skip the inactivity wait"),
          "a record without writer id and term reads as such; any other names its writer and term");
    }
    setUp();
    try (LogCapture log = new LogCapture(TenureTracker.class)) {
      feed("O:A:-1 U D:-:5 O:B:-1");
      assertTrue(
          log.events().isEmpty(),
          "nothing to warn about in tenures never clean: " + log.everything());
    }
  }

  // ---------------------------------------------------------------- mayCut

  @Test
  public void mayCutIsAPureQuery() {
    feed("D:A:5 S:A:5 D:ME:7");
    byte[] before = tracker.export(P);
    for (int i = 0; i < 3; i++) {
      assertTrue(cut(ME, 7), "asked again");
      assertFalse(cut(B, 7), "another reader");
    }
    assertEquals(tracker.export(P), before, "asking changes no state");
    assertEquals(
        metrics.snapshot().values().stream().mapToLong(Long::longValue).sum(),
        0L,
        "and counts nothing");
  }

  @Test
  public void mayCutOfAPartitionNeverSeenOrOutOfRangeIsFalse() {
    feed("D:A:5 S:A:5 D:ME:7");
    assertTrue(cut(ME, 7), "the partition fed");
    for (int partition :
        new int[] {
          0,
          1,
          2,
          4,
          7,
          8,
          9,
          15,
          16,
          17,
          1000,
          TenureTracker.MAX_PARTITION,
          TenureTracker.MAX_PARTITION + 1,
          Integer.MAX_VALUE,
          -1,
          Integer.MIN_VALUE
        }) {
      assertFalse(tracker.mayCut(partition, ME, 7), "partition " + partition);
    }
  }

  @Test
  public void partitionZeroIsAPartitionLikeAnyOther() {
    TenureScript.feed(tracker, 0, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    assertTrue(tracker.mayCut(0, ME, 7), "partition 0");
    assertFalse(cut(ME, 7), "partition " + P + " saw nothing");
  }

  // ---------------------------------------------------------------- forget

  @Test
  public void forgetDropsOnePartitionOnly() {
    TenureScript.feed(tracker, 0, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    feed("D:A:5 S:A:5 D:ME:7");
    assertTrue(tracker.mayCut(0, ME, 7), "partition 0 before");
    tracker.forget(0);
    assertFalse(tracker.mayCut(0, ME, 7), "partition 0 forgotten");
    ExportLayout zero = ExportLayout.of(tracker.export(0));
    assertEquals(zero.phase, ExportLayout.NOTHING_SEEN, "partition 0 as if nothing had been seen");
    assertEquals(zero.nextOffset, -1L, "no offset");
    assertTrue(cut(ME, 7), "partition " + P + " keeps its state");

    TenureScript.feed(tracker, 0, 3, TenureScript.parse("O:ME:-1 S:ME:7"));
    assertEquals(
        ExportLayout.of(tracker.export(0)).clean,
        0,
        "after forget, a first record that is no DoL opens a tenure never seen beginning");
    assertEquals(metrics.uncleanTenure(), 0L, "which is not counted");
  }

  @Test
  public void forgetOfAPartitionNeverSeenIsHarmless() {
    TenureTracker fresh = new TenureTracker(TOPIC, metrics);
    for (int partition = 0; partition <= 64; partition++) {
      fresh.forget(partition);
      assertFalse(fresh.mayCut(partition, ME, 7), "partition " + partition);
    }
    fresh.forget(TenureTracker.MAX_PARTITION);
    TenureScript.feed(fresh, 20, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    for (int partition = 21; partition <= 80; partition++) {
      fresh.forget(partition);
    }
    assertTrue(fresh.mayCut(20, ME, 7), "forgetting others after growth keeps partition 20");
  }

  @Test
  public void partitionsOutOfRangeAreRejected() {
    int[] bad = {-1, Integer.MIN_VALUE, TenureTracker.MAX_PARTITION + 1, Integer.MAX_VALUE};
    byte[] valid = tracker.export(0);
    for (int partition : bad) {
      String expected = "partition must be between 0 and 1048575, got " + partition;
      List<Consumer<TenureTracker>> calls =
          List.of(
              t -> t.declaration(partition, 0, A, 5),
              t -> t.stepDown(partition, 0, A, 5),
              t -> t.other(partition, 0, A, 5),
              t -> t.undecodable(partition, 0),
              t -> t.forget(partition),
              t -> t.export(partition),
              t -> t.restore(partition, 0, valid));
      for (int i = 0; i < calls.size(); i++) {
        Consumer<TenureTracker> call = calls.get(i);
        IllegalArgumentException e =
            expectThrows(IllegalArgumentException.class, () -> call.accept(tracker));
        assertEquals(e.getMessage(), expected, "call " + i + " with partition " + partition);
      }
    }
  }

  @Test
  public void theHighestPartitionIsAccepted() {
    int max = TenureTracker.MAX_PARTITION;
    TenureScript.feed(tracker, max, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    assertTrue(tracker.mayCut(max, ME, 7), "MAX_PARTITION");
    byte[] exported = tracker.export(max);
    assertEquals(ExportLayout.of(exported).partition, max, "exported partition");
    tracker.forget(max);
    assertFalse(tracker.mayCut(max, ME, 7), "forgotten");
    tracker.restore(max, 3, exported);
    assertTrue(tracker.mayCut(max, ME, 7), "restored");
  }

  @Test
  public void partitionsFarAboveTheFirstOnesKeepEveryState() {
    int[] partitions = {0, 7, 8, 9, 16, 17, 5_000, 100_000, 33, 1, TenureTracker.MAX_PARTITION - 1};
    long[] offsets = new long[partitions.length];
    List<TenureScript.Event> first = TenureScript.parse("D:A:5 S:A:5");
    List<TenureScript.Event> second = TenureScript.parse("D:ME:7 O:ME:-1");
    for (int i = 0; i < partitions.length; i++) {
      offsets[i] = TenureScript.feed(tracker, partitions[i], 0, first);
    }
    for (int i = 0; i < partitions.length; i++) {
      TenureScript.feed(tracker, partitions[i], offsets[i], second);
    }
    for (int partition : partitions) {
      assertTrue(
          tracker.mayCut(partition, ME, 7),
          "partition " + partition + " kept its state through growth");
    }
    assertFalse(tracker.mayCut(2, ME, 7), "a partition in between saw nothing");
    assertFalse(tracker.mayCut(99_999, ME, 7), "a partition in between saw nothing");
  }

  // ---------------------------------------------------------------- export and restore

  @Test
  public void exportNamesEveryFieldOfTheState() {
    feed("D:A:5 O:A:-1 S:A:5 D:ME:7 O:ME:7");
    byte[] bytes = tracker.export(P);
    assertEquals(Arrays.copyOf(bytes, 3), new byte[] {'H', 'T', 2}, "magic and format version");
    ExportLayout s = ExportLayout.of(bytes);
    assertEquals(s.topic, TOPIC, "topic");
    assertEquals(s.partition, P, "partition");
    assertEquals(s.nextOffset, 105L, "next offset");
    assertEquals(s.phase, ExportLayout.OPEN, "phase");
    assertEquals(s.clean, 1, "clean");
    assertEquals(s.term, 7L, "term");
    assertEquals(s.previousStampTerm, 5L, "previous stamp term");
    assertEquals(s.writer, ME, "writer");
    assertEquals((byte) s.earlier, (byte) 5, "the earlier tenure was closed cleanly");
    assertEquals(s.flags, (byte) 1, "the current tenure began in sight and is clean");
    assertEquals(
        bytes.length,
        2 + 1 + 2 + TOPIC.length() + 4 + 8 + 1 + 1 + 8 + 8 + 2 + ME.length() + 1 + 1 + 4,
        "length");
    assertEquals(s.bytes(), bytes, "the layout reproduces the export byte for byte");
  }

  @Test
  public void eachKindOfRecordMovesTheResumeOffset() {
    tracker.declaration(P, 10, A, 5);
    assertEquals(TenureTracker.resumeOffsetOf(tracker.export(P)), 11L, "after a declaration");
    tracker.other(P, 20, A, 5);
    assertEquals(TenureTracker.resumeOffsetOf(tracker.export(P)), 21L, "after another record");
    tracker.stepDown(P, 30, A, 5);
    assertEquals(TenureTracker.resumeOffsetOf(tracker.export(P)), 31L, "after a stamp");
    tracker.undecodable(P, 40);
    assertEquals(
        TenureTracker.resumeOffsetOf(tracker.export(P)), 41L, "after an undecodable record");
    tracker.stepDown(P, 50, B, 5);
    assertEquals(TenureTracker.resumeOffsetOf(tracker.export(P)), 51L, "after a foreign stamp");
    tracker.other(P, 0, A, 5);
    assertEquals(TenureTracker.resumeOffsetOf(tracker.export(P)), 1L, "offsets are taken as given");
  }

  /**
   * Records, then the earlier status and the flags of the export taken after them, and what the row
   * shows.
   */
  @DataProvider
  public Object[][] exportedStatuses() {
    return new Object[][] {
      {"", 0, 0, "nothing seen"},
      {"O:A:-1", 0, 0, "reading began inside a tenure"},
      {"D:ME:7", 0, 1, "the first tenure, begun in sight"},
      {"O:A:-1 S:A:5 D:ME:7", 1, 1, "the tenure before began out of sight"},
      {"D:A:5 O:Z:-1 S:A:5 D:ME:7", 2, 1, "the tenure before turned unclean before its stamp"},
      {
        "D:A:-1 S:A:-1 O:A:-1 D:ME:7", 2, 1, "the tenure before was unclean from its declaration on"
      },
      {"D:A:5 S:A:5 O:A:-1 D:ME:7", 3, 1, "the tenure before turned unclean after its stamp"},
      {"D:A:5 S:A:5 U D:ME:7", 3, 1, "an undecodable record after the stamp of the tenure before"},
      {"D:A:5 O:A:-1 D:ME:7", 4, 1, "the tenure before was never stamped"},
      {"D:A:5 S:A:5 D:ME:7", 5, 1, "the tenure before was closed cleanly"},
      {"D:A:5 O:Z:-1", 0, 1, "the current tenure turned unclean"},
      {"D:A:5 O:Z:-1 S:A:5 O:Z:-1", 0, 1, "the current tenure turned unclean before its stamp"},
      {"D:A:5 S:A:5 O:A:-1", 0, 3, "the current tenure turned unclean after its stamp"},
      {"D:A:5 S:A:5 O:A:-1 D:B:6 D:ME:7", 4, 1, "a tenure two back turned unclean after its stamp"},
      {"D:A:5 S:A:5 O:A:-1 D:B:6 S:B:6 D:ME:7", 5, 1, "then a tenure closed cleanly"},
      {
        "D:A:5 S:A:5 O:A:-1 D:B:6 S:B:6 O:B:-1 D:ME:7",
        3,
        1,
        "then one that turned unclean after its stamp"
      },
    };
  }

  @Test(dataProvider = "exportedStatuses")
  public void anExportSaysWhyTheTenureBeforeCountsOrNotAndHowTheCurrentOneBegan(
      String script, int earlier, int flags, String what) {
    feed(script);
    byte[] bytes = tracker.export(P);
    ExportLayout s = ExportLayout.of(bytes);
    assertEquals(s.earlier.byteValue(), (byte) earlier, what + " [" + script + "]: earlier status");
    assertEquals(s.flags, (byte) flags, what + " [" + script + "]: flags");
    TenureTracker restored = new TenureTracker(TOPIC, metrics);
    restored.restore(P, next, bytes);
    assertEquals(
        restored.export(P), bytes, what + " [" + script + "]: restored, it exports the same bytes");
  }

  /**
   * Every earlier status with every combination of flags, under every kind of current tenure, is
   * restored and exported back as it was, but for the flag that the current tenure turned unclean
   * after its stamp: that flag describes the record that made the tenure unclean, which a clean
   * tenure does not have.
   */
  @Test
  public void restoreAcceptsEveryEarlierStatusWithEveryFlag() {
    // Phase, clean byte, writer id, term: the kinds of current tenure.
    Object[][] currents = {
      {ExportLayout.OPEN, 1, ME, 7L},
      {ExportLayout.OPEN, 0, ME, 7L},
      {ExportLayout.CLOSED, 1, ME, 7L},
      {ExportLayout.CLOSED, 0, ME, 7L},
      {ExportLayout.OPEN, 0, null, -1L},
    };
    for (Object[] current : currents) {
      for (byte earlier = 0; earlier <= 5; earlier++) {
        for (byte flags = 0; flags <= 3; flags++) {
          ExportLayout e = new ExportLayout(TOPIC, P);
          e.nextOffset = 50;
          e.phase = (byte) current[0];
          e.clean = (byte) (int) current[1];
          e.writer = (String) current[2];
          e.term = (long) current[3];
          e.previousStampTerm = earlier == 5 ? 5 : 0;
          e.earlier = earlier;
          e.flags = flags;
          String what = e + ", earlier status " + earlier + ", flags " + flags;
          if (e.clean == 1 && (flags & 2) != 0) {
            continue; // a clean tenure that turned unclean after its stamp: rejected, see
            // "rejected"
          }
          TenureTracker t = new TenureTracker(TOPIC, metrics);
          t.restore(P, 50, e.bytes());
          assertEquals(t.export(P), e.bytes(), what + ": exported back");
          assertEquals(
              t.mayCut(P, ME, 7),
              e.phase == ExportLayout.OPEN && e.clean == 1 && earlier == 5,
              what + ": mayCut");
        }
      }
    }
  }

  @Test
  public void anExportBeforeAnyRecordRestoresAtAnyOffset() {
    byte[] empty = tracker.export(P);
    assertEquals(TenureTracker.resumeOffsetOf(empty), -1L, "no resume offset");
    ExportLayout s = ExportLayout.of(empty);
    assertEquals(s.phase, ExportLayout.NOTHING_SEEN, "phase");
    assertNull(s.writer, "writer");
    for (long offset : new long[] {0, 1, 12_345, Long.MAX_VALUE, -1}) {
      TenureTracker t = new TenureTracker(TOPIC, metrics);
      t.restore(P, offset, empty);
      assertEquals(t.export(P), empty, "restored at offset " + offset);
    }
  }

  /** Scripts split at every record into what was seen before a checkpoint and what came after. */
  @DataProvider
  public Object[][] checkpointed() {
    List<String> scripts =
        List.of(
            "D:A:5 O:A:-1 S:A:5 D:ME:7 O:ME:-1",
            "D:A:5 S:A:5 S:A:5 D:B:6 S:B:6 D:ME:7",
            "O:A:-1 S:A:5 D:B:6 S:B:6 D:ME:7",
            "D:A:5 O:B:-1 S:A:5 D:ME:7",
            "D:A:5 S:A:5 O:A:-1 D:ME:7",
            "D:-:5 S:-:5 D:A:0 D:ME:7",
            "D:A:3 S:A:3 D:ME:5 S:ME:5 D:ME:8 U",
            "U D:A:5 S:A:5 D:ME:7 S:ME:7");
    List<Object[]> rows = new ArrayList<>();
    for (String script : scripts) {
      List<TenureScript.Event> events = TenureScript.parse(script);
      for (int split = 0; split <= events.size(); split++) {
        rows.add(new Object[] {script, split});
      }
    }
    return rows.toArray(new Object[0][]);
  }

  @Test(dataProvider = "checkpointed")
  public void aRestoredTrackerAnswersAsTheOneThatSawEverything(String script, int split) {
    List<TenureScript.Event> events = TenureScript.parse(script);
    CountingHandoffMetrics restoredMetrics = new CountingHandoffMetrics();
    TenureTracker restored = new TenureTracker(TOPIC, restoredMetrics);
    long offset = TenureScript.feed(tracker, P, 1_000, events.subList(0, split));
    byte[] checkpoint = tracker.export(P);
    long resume = TenureTracker.resumeOffsetOf(checkpoint);
    assertEquals(resume, split == 0 ? -1L : offset, "resume offset");
    restored.restore(P, offset, checkpoint);
    assertEquals(restored.export(P), checkpoint, "the restored state exports the same bytes");
    long uncleanBefore = metrics.uncleanTenure();

    List<TenureScript.Event> rest = events.subList(split, events.size());
    TenureScript.feed(tracker, P, offset, rest);
    TenureScript.feed(restored, P, offset, rest);
    assertEquals(restored.export(P), tracker.export(P), script + " split at " + split + ": state");
    assertEquals(
        restoredMetrics.uncleanTenure(),
        metrics.uncleanTenure() - uncleanBefore,
        script + " split at " + split + ": unclean tenures after the checkpoint");
    for (String reader : Arrays.asList(A, B, ME, null)) {
      for (long term = -1; term <= 9; term++) {
        assertEquals(
            restored.mayCut(P, reader, term),
            tracker.mayCut(P, reader, term),
            script + " split at " + split + ": mayCut(" + reader + ", " + term + ")");
      }
    }
  }

  @Test
  public void restoreReplacesTheStateOfThatPartitionOnly() {
    feed("D:A:5 O:B:-1");
    TenureTracker other = new TenureTracker(TOPIC, metrics);
    long o = TenureScript.feed(other, P, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    TenureScript.feed(tracker, 0, 0, TenureScript.parse("D:A:5 S:A:5 D:ME:7"));
    tracker.restore(P, o, other.export(P));
    assertTrue(cut(ME, 7), "the restored partition answers by the restored state");
    assertTrue(tracker.mayCut(0, ME, 7), "another partition keeps its own");
  }

  @DataProvider
  public Object[][] rejected() {
    ExportLayout base = new ExportLayout(TOPIC, P);
    base.nextOffset = 50;
    base.phase = ExportLayout.OPEN;
    base.clean = 1;
    base.term = 7;
    base.previousStampTerm = 5;
    base.writer = ME;
    byte[] good = base.bytes();
    String where = "Cannot restore the handoff state of store_v1-3: ";

    byte[] badMagic = good.clone();
    badMagic[1] ^= 1;
    byte[] badVersion = good.clone();
    badVersion[2] = 3;
    byte[] sevenBytes = {'H', 'T', 2, 0, 0, 0, 0};

    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"null", null, 50L, where + "the state is null"});
    rows.add(
        new Object[] {
          "empty", new byte[0], 50L, where + "the state is 0 bytes, too short to be an export"
        });
    rows.add(
        new Object[] {
          "6 bytes",
          Arrays.copyOf(good, 6),
          50L,
          where + "the state is 6 bytes, too short to be an export"
        });
    rows.add(
        new Object[] {
          "7 bytes", sevenBytes, 50L, where + "checksum mismatch: the state is corrupt or truncated"
        });
    rows.add(
        new Object[] {
          "magic", badMagic, 50L, where + "the state does not start with the export magic bytes"
        });
    rows.add(
        new Object[] {
          "version", badVersion, 50L, where + "unknown export format version 3, expected 2"
        });
    rows.add(
        new Object[] {
          "cut short",
          Arrays.copyOf(good, good.length - 1),
          50L,
          where + "checksum mismatch: the state is corrupt or truncated"
        });
    rows.add(
        new Object[] {
          "other topic",
          forged(base, e -> e.topic = "store_v2"),
          50L,
          where + "it was exported for store_v2-3"
        });
    rows.add(
        new Object[] {
          "other partition",
          forged(base, e -> e.partition = 4),
          50L,
          where + "it was exported for store_v1-4"
        });
    rows.add(
        new Object[] {
          "other offset",
          good,
          51L,
          where + "it was exported at offset 50 but consumption resumes at offset 51"
        });
    rows.add(
        new Object[] {
          "earlier offset",
          good,
          49L,
          where + "it was exported at offset 50 but consumption resumes at offset 49"
        });
    rows.add(
        new Object[] {
          "offset 0 elsewhere",
          forged(base, e -> e.nextOffset = 0),
          5L,
          where + "it was exported at offset 0 but consumption resumes at offset 5"
        });
    String inconsistent = where + "the state's fields are out of range or contradict each other";
    rows.add(new Object[] {"no topic", forged(base, e -> e.topic = null), 50L, inconsistent});
    rows.add(new Object[] {"partition -1", forged(base, e -> e.partition = -1), 50L, inconsistent});
    rows.add(
        new Object[] {"next offset -2", forged(base, e -> e.nextOffset = -2), -2L, inconsistent});
    rows.add(new Object[] {"phase -1", forged(base, e -> e.phase = -1), 50L, inconsistent});
    rows.add(new Object[] {"phase 3", forged(base, e -> e.phase = 3), 50L, inconsistent});
    rows.add(new Object[] {"clean 2", forged(base, e -> e.clean = 2), 50L, inconsistent});
    rows.add(new Object[] {"clean -1", forged(base, e -> e.clean = -1), 50L, inconsistent});
    rows.add(
        new Object[] {
          "previous stamp term -1", forged(base, e -> e.previousStampTerm = -1), 50L, inconsistent
        });
    rows.add(
        new Object[] {
          "clean without writer", forged(base, e -> e.writer = null), 50L, inconsistent
        });
    rows.add(
        new Object[] {
          "clean closed without writer",
          forged(
              base,
              e -> {
                e.phase = ExportLayout.CLOSED;
                e.writer = null;
              }),
          50L,
          inconsistent
        });
    rows.add(new Object[] {"clean with term 0", forged(base, e -> e.term = 0), 50L, inconsistent});
    rows.add(
        new Object[] {"clean with term -1", forged(base, e -> e.term = -1), 50L, inconsistent});
    rows.add(
        new Object[] {
          "clean while nothing was seen", forged(nothingSeen(), e -> e.clean = 1), -1L, inconsistent
        });
    rows.add(
        new Object[] {
          "a writer while nothing was seen",
          forged(nothingSeen(), e -> e.writer = ME),
          -1L,
          inconsistent
        });
    rows.add(
        new Object[] {
          "a term while nothing was seen", forged(nothingSeen(), e -> e.term = 5), -1L, inconsistent
        });
    rows.add(
        new Object[] {
          "a previous stamp term while nothing was seen",
          forged(nothingSeen(), e -> e.previousStampTerm = 3),
          -1L,
          inconsistent
        });
    rows.add(
        new Object[] {
          "trailing byte", forged(base, e -> e.trailing = new byte[1]), 50L, inconsistent
        });
    rows.add(
        new Object[] {"earlier status 6", forged(base, e -> e.earlier = 6), 50L, inconsistent});
    rows.add(
        new Object[] {
          "earlier status 6 after a tenure not closed cleanly",
          forged(
              base,
              e -> {
                e.earlier = 6;
                e.previousStampTerm = 0;
              }),
          50L,
          inconsistent
        });
    rows.add(
        new Object[] {
          "earlier status -1",
          forged(
              base,
              e -> {
                e.earlier = -1;
                e.previousStampTerm = 0;
              }),
          50L,
          inconsistent
        });
    rows.add(
        new Object[] {
          "previous stamp term -1 after a tenure not closed",
          forged(
              base,
              e -> {
                e.earlier = 4;
                e.previousStampTerm = -1;
              }),
          50L,
          inconsistent
        });
    for (byte status = 1; status <= 4; status++) {
      byte earlier = status;
      rows.add(
          new Object[] {
            "earlier status " + earlier + " while nothing was seen",
            forged(nothingSeen(), e -> e.earlier = earlier),
            -1L,
            inconsistent
          });
    }
    rows.add(
        new Object[] {
          "cleanly closed earlier tenure without its stamp term",
          forged(base, e -> e.previousStampTerm = 0),
          50L,
          inconsistent
        });
    rows.add(new Object[] {"unknown flags", forged(base, e -> e.flags = 4), 50L, inconsistent});
    rows.add(
        new Object[] {
          "a clean tenure unclean after its stamp",
          forged(base, e -> e.flags = 3),
          50L,
          inconsistent
        });
    rows.add(
        new Object[] {
          "flags while nothing was seen", forged(nothingSeen(), e -> e.flags = 1), -1L, inconsistent
        });
    rows.add(
        new Object[] {
          "topic longer than the state",
          truncatedWithValidChecksum(),
          50L,
          where + "the state is truncated"
        });
    return rows.toArray(new Object[0][]);
  }

  /** The state of a partition that saw nothing, exported before any record. */
  private static ExportLayout nothingSeen() {
    return new ExportLayout(TOPIC, P);
  }

  private static byte[] forged(ExportLayout base, Consumer<ExportLayout> change) {
    ExportLayout e = ExportLayout.of(base.bytes());
    change.accept(e);
    return e.bytes();
  }

  /** Magic, version, a topic length of 1000 with one byte of topic, and a correct checksum. */
  private static byte[] truncatedWithValidChecksum() {
    byte[] body = {'H', 'T', 2, 0x03, (byte) 0xE8, 's'};
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body);
    byte[] bytes = Arrays.copyOf(body, body.length + 4);
    java.nio.ByteBuffer.wrap(bytes, body.length, 4).putInt((int) crc.getValue());
    return bytes;
  }

  @Test(dataProvider = "rejected")
  public void restoreRejectsWhatDoesNotFitAndResetsThePartition(
      String what, byte[] state, long resumeOffset, String message) {
    feed("D:A:5 S:A:5 D:ME:7");
    assertTrue(cut(ME, 7), "before the restore");
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> tracker.restore(P, resumeOffset, state));
    assertEquals(e.getMessage(), message, what);
    assertFalse(cut(ME, 7), what + ": the partition no longer cuts");
    ExportLayout s = state();
    assertEquals(s.phase, ExportLayout.NOTHING_SEEN, what + ": as if nothing had been seen");
    assertEquals(s.nextOffset, -1L, what + ": no offset");
    feed("O:ME:-1 S:ME:7 D:B:8");
    assertEquals(
        state().previousStampTerm,
        0L,
        what + ": records after it start inside a tenure never seen whole");
  }

  /**
   * The rows of {@link #rejected} that are no export at all, as opposed to an export that does not
   * fit.
   */
  @DataProvider
  public Object[][] notExports() {
    return Arrays.stream(rejected())
        .filter(row -> ((String) row[3]).contains(": the state"))
        .toArray(Object[][]::new);
  }

  @Test(dataProvider = "notExports")
  public void resumeOffsetOfRejectsWhatIsNoExport(
      String what, byte[] state, long resumeOffset, String message) {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> TenureTracker.resumeOffsetOf(state));
    assertEquals(
        e.getMessage(),
        message.substring("Cannot restore the handoff state of store_v1-3: ".length()),
        what);
  }

  @Test
  public void aRejectedRestoreKeepsTheCause() {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> tracker.restore(P, 0, new byte[3]));
    assertNotNull(e.getCause(), "cause");
    assertEquals(
        e.getCause().getMessage(),
        "the state is 3 bytes, too short to be an export",
        "cause message");
  }

  @Test
  public void aFlipOfAnyBitOfAnyByteIsRejected() {
    feed("D:A:5 S:A:5 D:ME:7");
    byte[] good = tracker.export(P);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        TenureTracker t = new TenureTracker(TOPIC, metrics);
        IllegalArgumentException e =
            expectThrows(IllegalArgumentException.class, () -> t.restore(P, next, bad));
        if (i >= 3) {
          assertTrue(
              e.getMessage().endsWith("checksum mismatch: the state is corrupt or truncated"),
              "byte " + i + " bit " + bit + ": " + e.getMessage());
        }
        assertEquals(
            ExportLayout.of(t.export(P)).phase,
            ExportLayout.NOTHING_SEEN,
            "byte " + i + " bit " + bit);
      }
    }
    TenureTracker t = new TenureTracker(TOPIC, metrics);
    t.restore(P, next, good);
    assertTrue(t.mayCut(P, ME, 7), "the unflipped export restores");
  }

  /**
   * Phase, clean byte, term, previous stamp term, writer id, next offset: states an export can
   * hold.
   */
  @DataProvider
  public Object[][] accepted() {
    return new Object[][] {
      {ExportLayout.NOTHING_SEEN, 0, -1L, 0L, null, -1L},
      {ExportLayout.NOTHING_SEEN, 0, -1L, 0L, null, 10L},
      {ExportLayout.OPEN, 0, -1L, 0L, null, 10L},
      {ExportLayout.OPEN, 0, 0L, 0L, ME, 10L},
      {ExportLayout.OPEN, 0, 7L, 5L, ME, 10L},
      {ExportLayout.OPEN, 1, 7L, 5L, ME, 10L},
      {ExportLayout.OPEN, 1, 1L, 0L, ME, 10L},
      {ExportLayout.OPEN, 1, 7L, 0L, ME, 0L},
      {ExportLayout.CLOSED, 0, -1L, 0L, ME, 10L},
      {ExportLayout.CLOSED, 1, 7L, 5L, ME, 10L},
    };
  }

  @Test(dataProvider = "accepted")
  public void restoreAcceptsEveryConsistentState(
      byte phase, int clean, long term, long previousStampTerm, String writer, long nextOffset) {
    ExportLayout e = new ExportLayout(TOPIC, P);
    e.nextOffset = nextOffset;
    e.phase = phase;
    e.clean = (byte) clean;
    e.term = term;
    e.previousStampTerm = previousStampTerm;
    e.writer = writer;
    byte[] bytes = e.bytes();
    TenureTracker t = new TenureTracker(TOPIC, metrics);
    t.restore(P, nextOffset, bytes);
    assertEquals(t.export(P), bytes, "restored " + e);
    assertEquals(TenureTracker.resumeOffsetOf(bytes), nextOffset, "resume offset of " + e);
    boolean cuts = phase == ExportLayout.OPEN && clean == 1 && previousStampTerm > 0;
    assertEquals(t.mayCut(P, ME, term), cuts, "mayCut after restoring " + e);
  }

  @Test
  public void namesUpToTheLongestExportableAreExported() {
    String longest = "w".repeat(0xFFFE);
    feed("D:A:5 S:A:5");
    tracker.declaration(P, next++, longest, 7);
    byte[] bytes = tracker.export(P);
    assertEquals(ExportLayout.of(bytes).writer, longest, "a writer id of 65534 bytes");
    TenureTracker t = new TenureTracker(TOPIC, metrics);
    t.restore(P, next, bytes);
    assertTrue(t.mayCut(P, longest, 7), "and restored");

    tracker.declaration(P, next++, longest + "w", 8);
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> tracker.export(P));
    assertEquals(e.getMessage(), "a name of 65535 bytes is too long to export", "message");

    TenureTracker longTopic = new TenureTracker("t".repeat(0xFFFF), metrics);
    assertEquals(
        expectThrows(IllegalArgumentException.class, () -> longTopic.export(0)).getMessage(),
        "a name of 65535 bytes is too long to export",
        "a topic too long");
  }

  @Test
  public void exportAndRestoreCarryNonAsciiNames() {
    TenureTracker t = new TenureTracker("магазин_v1", metrics);
    long o = TenureScript.feed(t, 0, 0, TenureScript.parse("D:A:5 S:A:5"));
    t.declaration(0, o++, "hôte-ü", 7);
    byte[] bytes = t.export(0);
    ExportLayout s = ExportLayout.of(bytes);
    assertEquals(s.topic, "магазин_v1", "topic");
    assertEquals(s.writer, "hôte-ü", "writer");
    TenureTracker restored = new TenureTracker("магазин_v1", metrics);
    restored.restore(0, o, bytes);
    assertTrue(restored.mayCut(0, "hôte-ü", 7), "restored");
  }

  // ---------------------------------------------------------------- threads

  @Test(timeOut = 120_000)
  public void partitionsFedFromSeveralThreadsAtOnceKeepTheirOwnState() throws Exception {
    final int threads = 4;
    final int perThread = 300;
    List<TenureScript.Event> events = TenureScript.parse("D:A:5 O:A:-1 S:A:5 D:ME:7 O:ME:-1");
    TenureTracker shared = new TenureTracker(TOPIC, metrics);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        final int thread = i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  // Every thread grows the array in turn: partitions are interleaved and
                  // increasing.
                  for (int k = 0; k < perThread; k++) {
                    int partition = k * threads + thread;
                    TenureScript.feed(shared, partition, 0, events);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Integer> lost = new ArrayList<>();
    for (int partition = 0; partition < threads * perThread; partition++) {
      if (!shared.mayCut(partition, ME, 7)) {
        lost.add(partition);
      }
    }
    assertTrue(lost.isEmpty(), "partitions whose state was lost: " + lost);
    assertEquals(metrics.uncleanTenure(), 0L, "no partition saw another's records");
  }

  @Test
  public void theMetricsSinkIsTheOneGiven() {
    RecordingMetrics recording = new RecordingMetrics();
    TenureTracker t = new TenureTracker(TOPIC, recording);
    TenureScript.feed(t, 5, 0, TenureScript.parse("D:A:5 U"));
    assertEquals(recording.unclean, List.of("store_v1-5"), "reported to the given sink");
  }
}
