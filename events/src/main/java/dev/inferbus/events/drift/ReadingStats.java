package dev.inferbus.events.drift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What drift watches in an anomaly model's window of readings: its mean, population standard deviation, minimum and
 * maximum. A window's single readings sit at random phases of the machine's cycle, so their positions say nothing;
 * a sensor offset, a gain change or clipping moves these statistics. Training and serving both summarise windows
 * here, so the reference and the observations are the same numbers.
 */
public final class ReadingStats {

    public static final List<String> NAMES = List.of("mean", "std", "min", "max");

    private ReadingStats() {
    }

    public static Map<String, Double> of(double[] readings) {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double r : readings) {
            sum += r;
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        double mean = sum / readings.length;
        double squares = 0;
        for (double r : readings) {
            squares += (r - mean) * (r - mean);
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("mean", mean);
        stats.put("std", StrictMath.sqrt(squares / readings.length));
        stats.put("min", min);
        stats.put("max", max);
        return stats;
    }
}
