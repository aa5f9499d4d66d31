package io.handoff.codec;

/** The envelope's {@code payloadUnion}: one record per branch. */
public sealed interface Payload permits Put, Update, Delete, ControlMessage {

  /** Which branch of the union this payload is. */
  PayloadBranch branch();
}
