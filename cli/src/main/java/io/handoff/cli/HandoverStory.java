package io.handoff.cli;

import io.handoff.spi.EmitOutcome;
import io.handoff.spi.HandoverPath;
import io.handoff.spi.HandoverReason;

/**
 * One partition's handover in one round of the demo, each moment in nanoseconds from the moment the
 * old leader started stepping down; a moment that did not happen (no stamp, no write) is null.
 *
 * @param stamp the old leader's step-down stamp: status, offset and elapsed time
 * @param lastWriteAcked the ack of the old leader's last write before it stepped down; often after
 *     0, since a server steps down with writes in flight and the stamp is ordered after them
 * @param stampAcked the stamp's ack: the emitter's elapsed time, from when it was called
 * @param promoted the new leader's promotion, once the old leader stepped down from every partition
 * @param declarationAcked the ack of the new leader's declaration of leadership
 * @param declarationRead the new leader saw its declaration read back
 * @param writable the decision: the new leader may write
 * @param firstWriteAcked the ack of the new leader's first write
 */
record HandoverStory(
    int round,
    int partition,
    String oldLeader,
    String newLeader,
    long term,
    EmitOutcome stamp,
    Long lastWriteAcked,
    Long stampAcked,
    long promoted,
    long declarationAcked,
    long declarationRead,
    long writable,
    HandoverPath path,
    HandoverReason reason,
    Long firstWriteAcked) {}
