package io.handoff.guice;

import io.handoff.spi.LeadershipHandoffEmitter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link HandoffModule} created and must release: inject it and call {@link #close()} on
 * shutdown. Thread-safe and idempotent; an emitter created after close is closed at once.
 */
public final class HandoffResources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HandoffResources.class);

  private final List<LeadershipHandoffEmitter> emitters = new ArrayList<>();
  private boolean closed;

  HandoffResources() {}

  LeadershipHandoffEmitter register(LeadershipHandoffEmitter emitter) {
    synchronized (this) {
      if (!closed) {
        emitters.add(emitter);
        return emitter;
      }
    }
    emitter.close();
    return emitter;
  }

  /** Closes every emitter the module created, each once, even if another fails to close. */
  @Override
  public void close() {
    List<LeadershipHandoffEmitter> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(emitters);
      emitters.clear();
    }
    for (LeadershipHandoffEmitter e : toClose) {
      try {
        e.close();
      } catch (RuntimeException ex) {
        LOG.warn("Closing leadership handoff emitter {} failed", e, ex);
      }
    }
  }
}
