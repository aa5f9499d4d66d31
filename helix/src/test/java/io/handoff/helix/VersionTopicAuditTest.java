package io.handoff.helix;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.handoff.codec.Envelope;
import io.handoff.codec.EnvelopeCodec;
import io.handoff.codec.LeaderMetadata;
import io.handoff.codec.ProducerMetadata;
import io.handoff.codec.Put;
import io.handoff.codec.RecordKeys;
import io.handoff.stamp.StampKind;
import io.handoff.stamp.Stamps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/** The audit over records as servers write them: clean handovers, a zombie, two writers. */
public class VersionTopicAuditTest {

  private static final Stamps STAMPS = new Stamps();
  private static final byte[] GUID = new byte[16];

  private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();

  @BeforeMethod
  public void emptyLog() {
    log.clear();
  }

  private void declare(String writer, long term) {
    append(
        StampKind.DECLARATION_OF_LEADERSHIP.key(),
        STAMPS.encode(StampKind.DECLARATION_OF_LEADERSHIP, term, 0, writer, 1L));
  }

  private void stamp(String writer, long term) {
    append(StampKind.STEP_DOWN.key(), STAMPS.encode(StampKind.STEP_DOWN, term, 0, writer, 1L));
  }

  private void write(String writer, int records) {
    for (int i = 0; i < records; i++) {
      byte[] v = ("v" + log.size()).getBytes(StandardCharsets.UTF_8);
      append(
          RecordKeys.dataKey(("k" + log.size()).getBytes(StandardCharsets.UTF_8)),
          EnvelopeCodec.encode(
              Envelope.of(
                  ProducerMetadata.of(GUID, 1, log.size(), 1L),
                  Put.of(v, 1),
                  LeaderMetadata.of(writer, -1))));
    }
  }

  private void append(byte[] key, byte[] value) {
    log.add(new ConsumerRecord<>("store_v1", 0, log.size(), key, value));
  }

  @Test
  public void aStampedHandoverIsCleanAndJustifiesTheFastPath() {
    declare("server-1", 10);
    write("server-1", 3);
    stamp("server-1", 10);
    declare("server-2", 20);
    write("server-2", 2);

    VersionTopicAudit.Partition p = VersionTopicAudit.audit(0, log);

    assertEquals(p.interleavings(), List.of());
    assertEquals(p.zombieRecords(), List.of());
    assertEquals(p.stamps(), 1);
    assertEquals(p.declarations(), 2);
    VersionTopicAudit.Tenure second = p.tenure("server-2", 20);
    assertTrue(second.closedByStamp(), second.toString());
    assertEquals(second.declaredAt(), 5);
    assertEquals(second.firstWriteAt(), 6);
    assertEquals(second.zombieRecords(), 0);
    assertFalse(p.tenure("server-1", 10).closedByStamp(), "nobody before the first leader");
    assertNull(p.tenure("server-2", 10));
  }

  /**
   * The pause scenario as the log shows it: the frozen leader wakes after its successor declared,
   * writes and stamps (its reset); the successor waited and wrote after the zombie went quiet.
   */
  @Test
  public void aZombieAfterTheNextDeclarationIsFoundAndNoStampJustifiesAFastPath() {
    declare("server-1", 10);
    write("server-1", 3);
    declare("server-2", 20);
    write("server-1", 4);
    stamp("server-1", 10);
    write("server-2", 2);

    VersionTopicAudit.Partition p = VersionTopicAudit.audit(0, log);

    assertEquals(p.interleavings(), List.of(), "the successor wrote after the zombie stopped");
    assertEquals(p.zombieRecords().size(), 5, p.zombieRecords().toString());
    assertTrue(
        p.zombieRecords().get(0).contains("record of server-1 at offset 5 after server-2"),
        p.zombieRecords().get(0));
    VersionTopicAudit.Tenure successor = p.tenure("server-2", 20);
    assertEquals(successor.zombieRecords(), 5);
    // The zombie's stamp comes after the declaration: it does not close the tenure before it.
    assertFalse(successor.closedByStamp());
    assertEquals(successor.firstWriteAt(), 10);
  }

  @Test
  public void aRecordOfAnEarlierTenureAfterTheNextLeadersFirstWriteInterleaves() {
    declare("server-1", 10);
    write("server-1", 2);
    stamp("server-1", 10);
    declare("server-2", 20);
    write("server-2", 1);
    write("server-1", 1);

    VersionTopicAudit.Partition p = VersionTopicAudit.audit(0, log);

    assertEquals(p.interleavings().size(), 1, p.interleavings().toString());
    assertTrue(
        p.interleavings().get(0).startsWith("record of server-1 at offset 6 after a later tenure"),
        p.interleavings().get(0));
    assertEquals(p.zombieRecords(), List.of());
    assertEquals(p.dataByWriter().get("server-1"), 3);
    assertEquals(p.dataByWriter().get("server-2"), 1);
  }

  @Test
  public void aStampThatIsNotTheLastWordBeforeTheDeclarationDoesNotCloseTheTenure() {
    declare("server-1", 10);
    write("server-1", 1);
    stamp("server-1", 10);
    write("server-1", 1);
    declare("server-2", 20);

    VersionTopicAudit.Partition p = VersionTopicAudit.audit(0, log);

    assertFalse(p.tenure("server-2", 20).closedByStamp());
    assertEquals(p.tenure("server-2", 20).firstWriteAt(), -1);
  }
}
