package io.handoff.embedded;

import java.util.concurrent.atomic.AtomicReference;
import kafka.server.FaultHandlerFactory;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.FaultHandlerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault handlers for embedded nodes. A stand-alone Kafka server halts the JVM on a fatal fault;
 * inside a test, a CLI demo or a benchmark that would kill the host process, so these handlers log
 * the fault, run the node's fault action and remember the first fatal fault instead.
 */
final class EmbeddedFaultHandlerFactory implements FaultHandlerFactory {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFaultHandlerFactory.class);

  private final AtomicReference<Throwable> firstFatalFault = new AtomicReference<>();

  @Override
  public FaultHandler build(String name, boolean fatal, Runnable action) {
    return (failureMessage, cause) -> {
      FaultHandlerException exception =
          new FaultHandlerException(name + ": " + failureMessage, cause);
      if (fatal) {
        LOG.error("Fatal fault in embedded Kafka ({}): {}", name, failureMessage, cause);
        firstFatalFault.compareAndSet(null, exception);
      } else {
        LOG.warn("Fault in embedded Kafka ({}): {}", name, failureMessage, cause);
      }
      try {
        action.run();
      } catch (Throwable t) {
        LOG.warn("Fault action of {} failed", name, t);
      }
      return exception;
    };
  }

  /** The first fatal fault reported by any node, or {@code null}. */
  Throwable firstFatalFault() {
    return firstFatalFault.get();
  }
}
