package dev.inferbus.local.lambda.runtime;

import java.util.Map;
import java.util.Set;

/**
 * A function's {@code LoggingConfig} as Lambda applies it: the runtime learns the format and the application log level
 * from {@code AWS_LAMBDA_LOG_FORMAT} and {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda sets and a function may not
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html). Log-level filtering exists
 * for the JSON format only, so a level with the Text format is refused, as Lambda refuses it
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
 *
 * @param logFormat {@code JSON} or {@code Text}
 * @param applicationLogLevel TRACE to FATAL, null for Lambda's default (INFO) or with the Text format
 */
public record LoggingConfig(String logFormat, String applicationLogLevel) {

    public static final LoggingConfig TEXT = new LoggingConfig("Text", null);

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

    public LoggingConfig {
        if (!"JSON".equals(logFormat) && !"Text".equals(logFormat)) {
            throw new IllegalArgumentException("LogFormat " + logFormat + " is neither JSON nor Text");
        }
        if (applicationLogLevel != null && !LEVELS.contains(applicationLogLevel)) {
            throw new IllegalArgumentException("ApplicationLogLevel " + applicationLogLevel + " is not one of " + LEVELS);
        }
        if (applicationLogLevel != null && logFormat.equals("Text")) {
            throw new IllegalArgumentException("ApplicationLogLevel needs LogFormat JSON: Lambda filters log levels of JSON logs only");
        }
    }

    /** What Lambda sets in the runtime's environment for this configuration. */
    public Map<String, String> environment() {
        if (logFormat.equals("Text")) {
            return Map.of();
        }
        return Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", applicationLogLevel == null ? "INFO" : applicationLogLevel);
    }
}
