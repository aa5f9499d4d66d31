package io.handoff.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * A strategy named {@code faulty} over the real tenure rules (the script keys of {@link
 * TenureScript}), whose parts throw where a test tells them to: so that the engine's guarantees can
 * be checked through the public API, as a host meets them.
 */
final class FaultyProvider implements LeadershipHandoffProvider {

  /** Where the parts may throw. */
  enum Fault {
    /** Says the wait may be cut whatever the term, and explains it as a clean step-down. */
    CUTS_ANY_TERM,
    OBSERVE,
    OBSERVE_UNDECODABLE,
    MAY_CUT,
    EXPLAIN,
    EXPLAIN_CONTRADICTS,
    EXPORT,
    RESTORE,
    FORGET,
    EMIT,
    EMIT_NULL,
    /** Answers for another step-down than the one asked. */
    EMIT_OTHER,
    /** Answers FAILED with an IllegalStateException of its own. */
    EMIT_REFUSED,
    /** Answers TIMED_OUT. */
    EMIT_TIMED_OUT,
    EMITS,
    EMITS_SHORT,
    EMITS_NULL,
    /** Answers a list of the right size whose last element cannot be read. */
    EMITS_UNREADABLE,
    PREPARE,
    CLOSE
  }

  /** The faults in force, shared by every part this provider made; tests switch them. */
  final Set<Fault> faults = EnumSet.noneOf(Fault.class);

  /** What the faulty parts throw. */
  static final class Boom extends IllegalStateException {
    Boom(String where) {
      super("boom in " + where);
    }
  }

  /** The last emitter this provider made. */
  volatile Emitter lastEmitter;

  @Override
  public String name() {
    return "faulty";
  }

  @Override
  public LeadershipHandoffEmitter newEmitter(
      HandoffSettings settings, HandoffMetrics metrics, HostResources resources) {
    lastEmitter = new Emitter();
    return lastEmitter;
  }

  @Override
  public HandoverEvidence newEvidence(
      HandoffSettings settings, HandoffMetrics metrics, String versionTopic, String localWriterId) {
    return new Evidence(
        new TenureScript.ScriptObserver(metrics, versionTopic, localWriterId, null));
  }

  private void maybe(Fault f) {
    if (faults.contains(f)) {
      throw new Boom(f.name());
    }
  }

  /** The tenure rules, throwing where told. */
  final class Evidence implements HandoverEvidence {
    private final TenureObserver rules;

    Evidence(TenureObserver rules) {
      this.rules = rules;
    }

    @Override
    public void observe(
        int partition, long offset, byte[] recordKey, CharSequence writerId, long termId) {
      maybe(Fault.OBSERVE);
      rules.observe(partition, offset, recordKey, writerId, termId);
    }

    @Override
    public void observeUndecodable(int partition, long offset) {
      maybe(Fault.OBSERVE_UNDECODABLE);
      rules.observeUndecodable(partition, offset);
    }

    @Override
    public boolean mayCut(int partition, long myTerm) {
      maybe(Fault.MAY_CUT);
      return faults.contains(Fault.CUTS_ANY_TERM) || rules.mayCut(partition, myTerm);
    }

    @Override
    public HandoverExplanation explain(int partition, long myTerm) {
      maybe(Fault.EXPLAIN);
      HandoverExplanation e = rules.explain(partition, myTerm);
      if (faults.contains(Fault.CUTS_ANY_TERM)) {
        return new HandoverExplanation(
            e.versionTopic(),
            partition,
            e.reader(),
            myTerm,
            HandoverReason.CLEAN_STEP_DOWN,
            null,
            e.earlier(),
            e.current());
      }
      if (faults.contains(Fault.EXPLAIN_CONTRADICTS)) {
        return new HandoverExplanation(
            e.versionTopic(),
            partition,
            e.reader(),
            myTerm,
            e.mayCut() ? HandoverReason.NO_STAMP : HandoverReason.CLEAN_STEP_DOWN,
            null,
            e.earlier(),
            e.current());
      }
      return e;
    }

    @Override
    public byte[] exportState(int partition) {
      maybe(Fault.EXPORT);
      return rules.exportState(partition);
    }

    @Override
    public void restoreState(int partition, long resumeOffset, byte[] state) {
      maybe(Fault.RESTORE);
      rules.restoreState(partition, resumeOffset, state);
    }

    @Override
    public void forget(int partition) {
      maybe(Fault.FORGET);
      rules.forget(partition);
    }
  }

  /** Acks every established step-down at offset 0; throws or answers wrongly where told. */
  final class Emitter implements LeadershipHandoffEmitter {
    int closes;
    volatile boolean closed;
    final java.util.List<String> prepared = new java.util.ArrayList<>();
    final java.util.List<String> retired = new java.util.ArrayList<>();

    /** When set, the answer to every step-down, faults aside. */
    volatile java.util.function.Function<StepDown, EmitOutcome> answer;

    @Override
    public EmitOutcome emitStepDown(StepDown stepDown) {
      maybe(Fault.EMIT);
      if (answer != null) {
        return answer.apply(stepDown);
      }
      if (faults.contains(Fault.EMIT_NULL)) {
        return null;
      }
      if (faults.contains(Fault.EMIT_OTHER)) {
        return EmitOutcome.acked(
            StepDown.established(
                stepDown.versionTopic(), stepDown.partition() + 1, 5, 0, "host-other"),
            1,
            0);
      }
      if (faults.contains(Fault.EMIT_REFUSED)) {
        return EmitOutcome.failed(
            stepDown, EmitStatus.FAILED, 2, new IllegalStateException("refused by the strategy"));
      }
      if (faults.contains(Fault.EMIT_TIMED_OUT)) {
        return EmitOutcome.failed(stepDown, EmitStatus.TIMED_OUT, 3, null);
      }
      EmitStatus skip = stepDown.skipStatus();
      return skip != null ? EmitOutcome.skipped(stepDown, skip) : EmitOutcome.acked(stepDown, 1, 0);
    }

    @Override
    public java.util.List<EmitOutcome> emitStepDowns(java.util.Collection<StepDown> stepDowns) {
      maybe(Fault.EMITS);
      if (faults.contains(Fault.EMITS_NULL)) {
        return null;
      }
      java.util.List<EmitOutcome> out = LeadershipHandoffEmitter.super.emitStepDowns(stepDowns);
      if (faults.contains(Fault.EMITS_UNREADABLE)) {
        return new java.util.AbstractList<>() {
          @Override
          public EmitOutcome get(int index) {
            if (index == out.size() - 1) {
              throw new Boom("get(" + index + ")");
            }
            return out.get(index);
          }

          @Override
          public int size() {
            return out.size();
          }
        };
      }
      return faults.contains(Fault.EMITS_SHORT) ? out.subList(0, out.size() - 1) : out;
    }

    @Override
    public void prepare(String versionTopic) {
      prepared.add(versionTopic);
      maybe(Fault.PREPARE);
    }

    @Override
    public void retire(String versionTopic) {
      retired.add(versionTopic);
      maybe(Fault.PREPARE);
    }

    @Override
    public String toString() {
      return "FaultyEmitter{closed=" + closed + "}";
    }

    @Override
    public void close() {
      closes++;
      closed = true;
      maybe(Fault.CLOSE);
    }
  }
}
