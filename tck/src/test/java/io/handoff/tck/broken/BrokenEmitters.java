package io.handoff.tck.broken;

import static java.util.Objects.requireNonNull;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoffMetrics;
import io.handoff.spi.HandoffSettings;
import io.handoff.spi.HandoverEvidence;
import io.handoff.spi.HostResources;
import io.handoff.spi.LeadershipHandoffEmitter;
import io.handoff.spi.LeadershipHandoffProvider;
import io.handoff.spi.LegacyWaitObserver;
import io.handoff.spi.StepDown;
import io.handoff.tck.vendor.MemoryLogProvider;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Emitters that break the emitter contract, each in one way the contract must catch. */
final class BrokenEmitters {

  private BrokenEmitters() {}

  /** A provider of one emitter and the no-op observer. */
  abstract static class EmitterOnly implements LeadershipHandoffProvider {
    @Override
    public HandoverEvidence newEvidence(
        HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String writerId) {
      return new LegacyWaitObserver(versionTopic, writerId);
    }
  }

  /** Lets a broker failure escape as an exception instead of answering FAILED. */
  public static final class Throwing extends EmitterOnly {
    @Override
    public String name() {
      return "throwing";
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return new LeadershipHandoffEmitter() {
        @Override
        public EmitOutcome emitStepDown(StepDown stepDown) {
          requireNonNull(stepDown, "stepDown is null");
          throw new IllegalStateException("broker down");
        }

        @Override
        public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
          requireNonNull(stepDowns, "stepDowns is null");
          stepDowns.forEach(s -> requireNonNull(s, "stepDowns holds a null element"));
          return stepDowns.stream().map(this::emitStepDown).toList();
        }

        @Override
        public void close() {}
      };
    }
  }

  /**
   * Stamps whatever it is given, terms of zero and unestablished terms included (rule E1), and lets
   * {@code prepare} of an unknown topic throw.
   */
  public static final class Careless extends EmitterOnly {
    @Override
    public String name() {
      return "careless";
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      return new LeadershipHandoffEmitter() {
        private final AtomicLong offsets = new AtomicLong();
        private volatile boolean closed;

        @Override
        public EmitOutcome emitStepDown(StepDown s) {
          if (closed) {
            return EmitOutcome.failed(
                s, io.handoff.spi.EmitStatus.FAILED, 0, new IllegalStateException("closed"));
          }
          metrics.stampEmitted(s, 1);
          return EmitOutcome.acked(s, 1, offsets.getAndIncrement());
        }

        @Override
        public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
          return stepDowns.stream().map(this::emitStepDown).toList();
        }

        @Override
        public void prepare(String versionTopic) {
          if (!versionTopic.equals("handoff-tck-vt")) {
            throw new IllegalArgumentException("unknown topic " + versionTopic);
          }
        }

        @Override
        public void close() {
          closed = true;
        }
      };
    }
  }

  /** The clock a hanging emitter moves on, as if it waited. */
  static final AtomicLong FAKE_NANOS = new AtomicLong();

  /**
   * The example vendor's emitter, but every emit "waits" ten minutes: it moves {@link #FAKE_NANOS},
   * which the contract reads as its clock, so the hang is shown without sleeping.
   */
  public static final class Hanging extends EmitterOnly {
    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public LeadershipHandoffEmitter newEmitter(
        HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
      LeadershipHandoffEmitter real =
          new MemoryLogProvider().newEmitter(settings, metrics, resources);
      return new LeadershipHandoffEmitter() {
        @Override
        public EmitOutcome emitStepDown(StepDown s) {
          FAKE_NANOS.addAndGet(TimeUnit.MINUTES.toNanos(10));
          return real.emitStepDown(s);
        }

        @Override
        public List<EmitOutcome> emitStepDowns(Collection<StepDown> stepDowns) {
          FAKE_NANOS.addAndGet(TimeUnit.MINUTES.toNanos(10));
          return real.emitStepDowns(stepDowns);
        }

        @Override
        public void close() {
          real.close();
        }
      };
    }
  }
}
