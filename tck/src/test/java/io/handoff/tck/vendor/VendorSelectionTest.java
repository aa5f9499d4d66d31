package io.handoff.tck.vendor;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.assertTrue;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.EmitStatus;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffs;
import io.handoff.spi.StepDown;
import java.util.Properties;
import org.testng.annotations.Test;

/** A vendor jar on the class path is found through ServiceLoader and chosen by its name. */
public class VendorSelectionTest {

  @Test
  public void vendorIsDiscoveredAndSelectedByName() {
    assertTrue(LeadershipHandoffs.registry().names().contains("memlog"), LeadershipHandoffs.registry().names().toString());
    Properties p = new Properties();
    p.setProperty("server.leader.handover.emit.stepdown.stamp", "true");
    p.setProperty("server.leader.handover.strategy", "memlog");
    try (LeadershipHandoffEmitter emitter = LeadershipHandoffs.emitter(p)) {
      StepDown s = StepDown.established("vendor-vt", 3, 42, 0, "host-a");
      EmitOutcome o = emitter.emitStepDown(s);
      assertEquals(o.status(), EmitStatus.ACKED);
      MemoryLog.Entry last = MemoryLog.read("vendor-vt", 3).get((int) o.offset());
      assertEquals(last.term(), 42);
      assertEquals(last.writerId(), "host-a");
    }
  }

  @Test
  public void switchOffNeedsTheNoopJarAndSaysSo() {
    // This module's tests do not carry handoff-noop: the error must say which artifact to add.
    Properties p = new Properties();
    p.setProperty("server.leader.handover.strategy", "memlog");
    IllegalStateException e = expectThrows(IllegalStateException.class, () -> LeadershipHandoffs.emitter(p));
    assertTrue(e.getMessage().contains("io.handoff:handoff-noop"), e.getMessage());
  }
}
