package io.chatmesh.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects, from the root logger of this JVM (where the launcher runs every service), each
 * ERROR and each WARN that carries a stack trace: what bad client input must never cause.
 * Attach it after the services started, since each Spring start reconfigures logging.
 */
final class ErrorLogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    static ErrorLogRecorder attachToRoot() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ErrorLogRecorder recorder = new ErrorLogRecorder();
        recorder.setContext(context);
        recorder.setName("fuzz-error-recorder");
        recorder.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(recorder);
        return recorder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        boolean error = event.getLevel().isGreaterOrEqual(Level.ERROR);
        boolean warnWithStackTrace = event.getLevel() == Level.WARN && event.getThrowableProxy() != null;
        if (error || warnWithStackTrace) {
            lines.add(event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + ": "
                    + event.getFormattedMessage() + causes(event.getThrowableProxy()));
        }
    }

    private static String causes(IThrowableProxy throwable) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy t = throwable; t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            if (t.getStackTraceElementProxyArray().length > 0) {
                text.append(" at ").append(t.getStackTraceElementProxyArray()[0].getSTEAsString());
            }
        }
        return text.toString();
    }

    /** What was logged since the last {@link #clear}, one line each. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) getContext();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
