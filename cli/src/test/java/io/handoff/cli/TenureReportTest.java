package io.handoff.cli;

import static io.handoff.cli.ExplainFixtures.LEADER;
import static io.handoff.cli.ExplainFixtures.ZOMBIE;
import static io.handoff.cli.ExplainFixtures.dol;
import static io.handoff.cli.ExplainFixtures.put;
import static io.handoff.cli.ExplainFixtures.stepDown;
import static io.handoff.cli.ExplainFixtures.undecodable;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handoff.cli.ExplainFixtures.Rec;
import io.handoff.spi.HandoverReason;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.Test;

/**
 * {@link TenureReport} and the rendering of {@code handoff explain} on records held in memory: real
 * encoded records through the real observer, no broker.
 */
public class TenureReportTest {

  private static final String TOPIC = "store_v3";
  private static final int P = 2;
  private static final String ME = ExplainCommand.DEFAULT_WRITER;

  /**
   * Feeds {@code recs} at offsets {@code first}, {@code first + 1}, ... and concludes at the next
   * offset.
   */
  private static TenureReport.Result report(long first, Long term, List<Rec> recs) {
    TenureReport report = new TenureReport(TOPIC, P, ME);
    long offset = first;
    for (Rec r : recs) {
      report.observe(new ConsumerRecord<>(TOPIC, P, offset++, r.key(), r.value()));
    }
    return report.conclude(first, offset, term);
  }

  private static TenureReport.Result report(List<Rec> recs) {
    return report(0, null, recs);
  }

  private static List<Rec> concat(List<Rec> a, List<Rec> b) {
    List<Rec> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String evidence(TenureReport.Result r) {
    StringBuilder sb = new StringBuilder();
    for (TenureReport.Evidence e : r.responsible()) {
      sb.append(e.offset())
          .append(' ')
          .append(e.kind())
          .append(' ')
          .append(e.writer())
          .append(' ')
          .append(e.term())
          .append(';');
    }
    return sb.toString();
  }

  @Test
  public void aZombieInsideATenureIsNamedWithItsOffsetAndWriter() {
    TenureReport.Result r = report(ExplainFixtures.zombieInsideATenure());
    assertEquals(
        r.explanation().reason(),
        HandoverReason.EARLIER_TENURE_UNCLEAN,
        r.explanation().describe());
    assertFalse(r.explanation().mayCut(), "an unclean tenure's stamp vouches for nobody");
    assertEquals(r.explanation().culprit().offset(), 4L, "the zombie's put is the culprit");
    assertEquals(r.explanation().culprit().writerId(), ZOMBIE, "the culprit's writer");
    assertEquals(r.term(), 201L, "one above the highest term read");
    assertTrue(r.termDefaulted(), "no term was asked for");
    assertEquals(r.recordsRead(), 7L, "every record is read");

    assertEquals(
        r.tenures(),
        List.of(
            new TenureReport.Tenure(ZOMBIE, 100, 0, 1, null, -1),
            new TenureReport.Tenure(
                LEADER, 200, 2, 6, new TenureReport.Culprit(4, "DATA", ZOMBIE, -1, false), 6)),
        "both tenures, the zombie's put making A's unclean");
    assertEquals(
        evidence(r),
        "2 DOL leader-a 200;4 DATA zombie-z -1;6 STEP_DOWN_STAMP leader-a 200;"
            + "7 DOL handoff-explain 201;",
        "the records the verdict rests on");
  }

  @Test
  public void aCleanStepDownLetsTheNewLeaderSkipTheWait() {
    TenureReport.Result r = report(ExplainFixtures.cleanTenure());
    assertEquals(
        r.explanation().reason(), HandoverReason.CLEAN_STEP_DOWN, r.explanation().describe());
    assertTrue(r.explanation().mayCut(), "a clean tenure closed by its stamp");
    assertNull(r.explanation().culprit(), "nothing to blame");
    assertEquals(r.term(), 301L, "one above the stamp's term");
    assertEquals(
        r.tenures(),
        List.of(new TenureReport.Tenure(LEADER, 300, 0, 3, null, 3)),
        "one clean tenure");
    assertEquals(
        evidence(r),
        "0 DOL leader-a 300;3 STEP_DOWN_STAMP leader-a 300;4 DOL handoff-explain 301;",
        "its declaration, its stamp and the new leader's declaration");
  }

  @Test
  public void readingFromInsideATenureShowsItsStartAsUnknown() {
    List<Rec> clean = ExplainFixtures.cleanTenure();
    TenureReport.Result r = report(1, null, clean.subList(1, clean.size()));
    assertEquals(
        r.explanation().reason(),
        HandoverReason.STARTED_INSIDE_A_TENURE,
        r.explanation().describe());
    assertEquals(
        r.tenures(),
        List.of(new TenureReport.Tenure(null, -1, -1, 3, null, -1)),
        "a tenure begun before the first record read: never clean, its stamp does not count");
    assertFalse(r.tenures().get(0).clean(), "not seen from its start");
    assertEquals(
        evidence(r), "1 DATA leader-a -1;4 DOL handoff-explain 301;", "the first record read");

    String text = ExplainCommand.text(r);
    assertTrue(text.contains("Tenures read from store_v3-2, offsets 1 to 3 (3 records):"), text);
    String row = text.lines().filter(l -> l.startsWith("  ?")).findFirst().orElseThrow();
    assertTrue(
        row.matches("  \\?\\s+\\?\\s+\\?\\s+3\\s+no: began before the first record read\\s+no"),
        row);
  }

  @Test
  public void aRecordAfterTheStampIsNamedAsSuch() {
    TenureReport.Result r = report(concat(ExplainFixtures.cleanTenure(), List.of(put(LEADER))));
    assertEquals(
        r.explanation().reason(), HandoverReason.STAMP_NOT_LAST, r.explanation().describe());
    TenureReport.Tenure t = r.tenures().get(0);
    assertEquals(
        t.culprit(),
        new TenureReport.Culprit(4, "DATA", LEADER, -1, true),
        "the put after the stamp");
    assertTrue(
        ExplainCommand.text(r).contains("no: offset 4 (leader-a, after its stamp)"),
        ExplainCommand.text(r));
  }

  @Test
  public void anUndecodableRecordIsNamedByItsKind() {
    TenureReport.Result r = report(List.of(dol(LEADER, 5), undecodable(), stepDown(LEADER, 5)));
    assertEquals(
        r.explanation().reason(),
        HandoverReason.EARLIER_TENURE_UNCLEAN,
        r.explanation().describe());
    assertEquals(
        r.tenures().get(0).culprit(),
        new TenureReport.Culprit(1, "UNDECODABLE", null, -1, false),
        "nobody can say whose it is");
    assertTrue(
        ExplainCommand.text(r).contains("no: offset 1 (undecodable)"), ExplainCommand.text(r));
    assertEquals(r.term(), 6L, "the undecodable record has no term");
  }

  @Test
  public void aPutWithoutWriterIdIsNamedAsData() {
    TenureReport.Result r = report(List.of(dol(LEADER, 5), put(null), stepDown(LEADER, 5)));
    assertEquals(
        r.explanation().reason(),
        HandoverReason.EARLIER_TENURE_UNCLEAN,
        r.explanation().describe());
    assertEquals(
        r.tenures().get(0).culprit(),
        new TenureReport.Culprit(1, "DATA", null, -1, false),
        "a put without leader metadata");
    assertTrue(
        ExplainCommand.text(r).contains("no: offset 1 (no writer id)"), ExplainCommand.text(r));
  }

  @Test
  public void aTenureNeverStampedIsNamed() {
    TenureReport.Result r = report(List.of(dol(LEADER, 5), put(LEADER)));
    assertEquals(r.explanation().reason(), HandoverReason.NO_STAMP, r.explanation().describe());
    assertEquals(
        r.tenures(), List.of(new TenureReport.Tenure(LEADER, 5, 0, 1, null, -1)), "clean, open");
    assertTrue(
        ExplainCommand.text(r)
            .lines()
            .anyMatch(l -> l.matches("  leader-a\\s+5\\s+0\\s+1\\s+yes\\s+no")),
        ExplainCommand.text(r));
  }

  @Test
  public void anExplicitTermNotAboveTheStampsIsRefusedTheFastPath() {
    TenureReport.Result r = report(0, 300L, ExplainFixtures.cleanTenure());
    assertEquals(
        r.explanation().reason(),
        HandoverReason.STAMP_TERM_NOT_BELOW_MINE,
        r.explanation().describe());
    assertEquals(r.term(), 300L, "the term asked for");
    assertFalse(r.termDefaulted(), "a term was asked for");
    assertTrue(
        ExplainCommand.text(r)
            .contains(
                "New leader: handoff-explain, term 300, declaration assumed at" + " offset 4"),
        ExplainCommand.text(r));
  }

  @Test
  public void nothingReadMeansNoEarlierTenure() {
    TenureReport.Result r = report(List.of());
    assertEquals(
        r.explanation().reason(), HandoverReason.NO_EARLIER_TENURE, r.explanation().describe());
    assertEquals(r.term(), 1L, "no term read: the first positive term");
    assertEquals(r.highestTermRead(), -1L, "no term read");
    assertEquals(r.tenures(), List.of(), "no tenures");
    String text = ExplainCommand.text(r);
    assertTrue(
        text.contains(
            "Tenures read from store_v3-2: none (no records from offset 0 to the end offset 0)"),
        text);
    assertTrue(
        text.contains(
            "New leader: handoff-explain, term 1 (no term read), declaration assumed at offset 0"),
        text);
  }

  @Test
  public void noTermAboveTheHighestPossibleIsInvented() {
    TenureReport report = new TenureReport(TOPIC, P, ME);
    Rec r = dol(LEADER, Long.MAX_VALUE);
    report.observe(new ConsumerRecord<>(TOPIC, P, 0, r.key(), r.value()));
    CliException e = expectThrows(CliException.class, () -> report.conclude(0, 1, null));
    assertEquals(
        e.getMessage(),
        "The highest term read on store_v3-2 is 9223372036854775807: no term is above it;"
            + " give one with --term",
        "names the partition and the way out");
    assertEquals(
        report.conclude(0, 1, 5L).explanation().reason(),
        HandoverReason.NO_STAMP,
        "an explicit term still works");
  }

  @Test
  public void textAlignsTheTenureTable() {
    String text = ExplainCommand.text(report(ExplainFixtures.zombieInsideATenure()));
    List<String> lines = text.lines().toList();
    assertTrue(
        lines
            .get(0)
            .startsWith(
                "handoff-explain (term 201) on store_v3-2 must wait out the inactivity window:"
                    + " The record at offset 4 of zombie-z appeared inside the tenure of leader-a (term 200, declared at offset 2)"),
        lines.get(0));
    assertEquals(lines.get(1), "Reason: EARLIER_TENURE_UNCLEAN", "the reason's name");
    assertEquals(
        lines.get(2),
        "New leader: handoff-explain, term 201 (one above 200, the highest term read),"
            + " declaration assumed at offset 7",
        "the hypothetical leader");
    int header = lines.indexOf("  WRITER    TERM  FIRST  LAST  CLEAN                    STAMPED");
    assertTrue(header > 0, text);
    assertEquals(
        lines.get(header + 1), "  zombie-z   100      0     1  yes                      no", text);
    assertEquals(
        lines.get(header + 2),
        "  leader-a   200      2     6  no: offset 4 (zombie-z)  yes: offset 6",
        text);
    assertEquals(lines.size(), header + 3, "the table ends the text: " + text);
  }

  @Test
  public void jsonCarriesTheSameAsTheText() throws Exception {
    TenureReport.Result r = report(ExplainFixtures.zombieInsideATenure());
    JsonNode j = new ObjectMapper().readTree(ExplainCommand.json(r));
    assertEquals(j.get("topic").asText(), TOPIC, "topic");
    assertEquals(j.get("partition").asInt(), P, "partition");
    assertEquals(j.get("endOffset").asLong(), 7L, "end offset");
    assertEquals(j.get("highestTermRead").asLong(), 200L, "highest term read");
    assertEquals(j.get("newLeader").get("term").asLong(), 201L, "term");
    assertTrue(j.get("newLeader").get("termDefaulted").asBoolean(), "defaulted");
    assertFalse(j.get("mayCut").asBoolean(), "must wait");
    assertEquals(j.get("reason").asText(), "EARLIER_TENURE_UNCLEAN", "reason");
    assertEquals(j.get("description").asText(), r.explanation().describe(), "the verdict in words");
    assertEquals(j.get("culprit").get("offset").asLong(), 4L, "culprit offset");
    assertEquals(j.get("culprit").get("writer").asText(), ZOMBIE, "culprit writer");
    assertEquals(j.get("culprit").get("kind").asText(), "DATA", "culprit kind");
    assertEquals(j.get("responsible").size(), 4, "responsible: " + j.get("responsible"));
    JsonNode tenures = j.get("tenures");
    assertEquals(tenures.size(), 2, "tenures: " + tenures);
    assertTrue(tenures.get(0).get("clean").asBoolean(), "the zombie's own tenure was clean");
    assertTrue(tenures.get(0).get("stampOffset").isNull(), "and never stamped");
    JsonNode a = tenures.get(1);
    assertEquals(a.get("writer").asText(), LEADER, "writer");
    assertEquals(a.get("term").asLong(), 200L, "term");
    assertEquals(a.get("firstOffset").asLong(), 2L, "first offset");
    assertEquals(a.get("lastOffset").asLong(), 6L, "last offset");
    assertFalse(a.get("clean").asBoolean(), "unclean");
    assertEquals(a.get("culprit").get("offset").asLong(), 4L, "made unclean at");
    assertTrue(a.get("stamped").asBoolean(), "stamped");
    assertEquals(a.get("stampOffset").asLong(), 6L, "stamp offset");
  }

  @Test
  public void jsonOfATenureBegunUnseenHasNullStart() throws Exception {
    List<Rec> clean = ExplainFixtures.cleanTenure();
    JsonNode t =
        new ObjectMapper()
            .readTree(ExplainCommand.json(report(2, null, clean.subList(2, clean.size()))))
            .get("tenures")
            .get(0);
    assertTrue(t.get("firstOffset").isNull(), "first offset unknown: " + t);
    assertTrue(t.get("writer").isNull(), "writer unknown: " + t);
    assertFalse(t.get("clean").asBoolean(), "never clean: " + t);
  }
}
