package io.handoff.spi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures the logback events of one logger for the duration of a test. */
final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level previousLevel;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture(Class<?> type) {
    org.slf4j.Logger l = LoggerFactory.getLogger(type);
    if (!(l instanceof Logger)) {
      throw new AssertionError(
          "logback-classic is not the slf4j binding on the test class path: " + l.getClass());
    }
    logger = (Logger) l;
    previousLevel = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  List<ILoggingEvent> at(Level level) {
    return appender.list.stream().filter(e -> e.getLevel() == level).collect(Collectors.toList());
  }

  /** The formatted messages at {@code level}. */
  List<String> messages(Level level) {
    return at(level).stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** Every formatted message and argument, for "this text appears nowhere" checks. */
  String everything() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : appender.list) {
      sb.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        sb.append(e.getThrowableProxy().getMessage()).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(previousLevel);
  }
}
